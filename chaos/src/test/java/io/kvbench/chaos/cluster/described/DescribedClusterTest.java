package io.kvbench.chaos.cluster.described;

import io.kvbench.chaos.campaign.Campaign;
import io.kvbench.chaos.campaign.CampaignResult;
import io.kvbench.chaos.campaign.CampaignSpec;
import io.kvbench.chaos.campaign.FaultKind;
import io.kvbench.chaos.campaign.TrialRecord;
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.node.local.StatusProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three kvnode processes started, killed, paused and checked only through the shell commands of a cluster file
 * (pid files and kill(1), as over ssh), driven by a campaign through {@link DescribedCluster}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DescribedClusterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    @Test
    void threeLeaderKillsThroughShellCommandsRecoverEveryTimeAndTheClusterIsLeftRunning() throws Exception {
        LocalShellCluster shell = LocalShellCluster.write(directory, 3);
        try {
            ClusterFile file = ClusterFile.read(shell.clusterFile);
            for (DescribedNode node : file.nodes()) {
                ShellCommand.runChecked("start node " + node.id(), node.command(NodeAction.START).orElseThrow(), TIMEOUT);
            }
            CampaignSpec spec = CampaignSpec.builder().runId("described-kill-leader").fault(FaultKind.KILL_LEADER).trials(3)
                    .trialInterval(Duration.ofSeconds(2)).downtime(Duration.ofMillis(500)).seed(7)
                    .uniqueWriters(2).registerClients(2).registerKeys(3).ratePerThread(50).build();
            Path out = directory.resolve("out");
            CampaignResult result;
            int paused;
            try (DescribedCluster cluster = DescribedCluster.connect(file, directory.resolve("harness"))) {
                result = Campaign.run(spec, cluster, out);
                // The same campaign again on the same cluster: its keys are its own, so the first run's data does
                // not read as lost writes, duplicates or a non-linearizable register.
                CampaignSpec again = CampaignSpec.builder().runId("described-kill-leader").fault(FaultKind.KILL_LEADER)
                        .trials(1).trialInterval(Duration.ofSeconds(2)).downtime(Duration.ofMillis(500)).seed(7)
                        .uniqueWriters(2).registerClients(2).registerKeys(3).ratePerThread(50).build();
                CampaignResult second = Campaign.run(again, cluster, directory.resolve("out-again"));
                assertThat(second.verdict().passed()).as(second.verdict().describe()).isTrue();
                assertThat(second.acknowledgedWrites()).isGreaterThan(10);

                LeaderInfo leader = cluster.awaitLeader(TIMEOUT);
                List<Integer> followers = cluster.nodeIds().stream().filter(id -> id != leader.nodeId()).toList();
                int stopped = followers.get(0);
                paused = followers.get(1);
                cluster.terminate(stopped, TIMEOUT);
                assertThat(cluster.isRunning(stopped)).as("status command after stop").isFalse();
                cluster.pause(paused);
                assertThat(cluster.isPaused(paused)).isTrue();
                assertThat(cluster.isRunning(paused)).as("a paused node still runs").isTrue();
                cluster.restore();
                assertThat(cluster.isRunning(stopped)).isTrue();
                assertThat(cluster.status(stopped)).isPresent();
                assertThat(cluster.status(paused)).isPresent();
                assertThat(cluster.isPaused(paused)).isFalse();

                cluster.pause(paused); // left paused on purpose: close() must resume it
            }
            try (StatusProbe probe = new StatusProbe("test-status", Duration.ofSeconds(2))) {
                assertThat(probe.status(paused, file.node(paused).orElseThrow().client().toSocketAddress()))
                        .as("the node paused before close answers after it").isPresent();
            }

            System.out.println(Files.readString(out.resolve("verdict.txt")));
            assertThat(result.verdict().passed()).as(result.verdict().describe()).isTrue();
            assertThat(result.passed()).isTrue();
            assertThat(result.trials()).hasSize(3).allMatch(TrialRecord::recovered)
                    .allMatch(trial -> trial.leaderFromEventLog() && trial.newLeader() != trial.victim() && trial.termsElapsed() >= 1);
            assertThat(result.acknowledgedWrites()).isGreaterThan(50);
            List<String> commands = Files.readAllLines(directory.resolve("harness").resolve("commands.log"));
            assertThat(commands.stream().filter(line -> line.contains(" kill\texit 0"))).hasSize(4);
            assertThat(commands.stream().filter(line -> line.contains(" start\texit 0"))).hasSize(5);
            assertThat(commands.stream().filter(line -> line.contains(" resume\texit 0"))).hasSize(2);
        } finally {
            shell.killEveryStartedNode();
        }
    }
}
