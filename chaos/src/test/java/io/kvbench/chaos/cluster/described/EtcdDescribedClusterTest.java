package io.kvbench.chaos.cluster.described;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.chaos.campaign.Campaign;
import io.kvbench.chaos.campaign.CampaignResult;
import io.kvbench.chaos.campaign.CampaignSpec;
import io.kvbench.chaos.campaign.FaultKind;
import io.kvbench.chaos.campaign.TrialRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three etcd members started, killed and checked only through the shell commands of a cluster file (pid files and
 * kill(1)), driven by a campaign through {@link DescribedCluster} as {@code kvbench chaos --cluster-file} does:
 * connect, run, restore. Skipped where etcd is not on PATH, except under CI=true, where etcd-server is installed
 * (scripts/install-deps) and its absence is a failure.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdDescribedClusterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    @Test
    void threeLeaderKillsThroughShellCommandsRecoverAndEveryKilledMemberRunsAgain() throws Exception {
        requireEtcd();
        LocalShellEtcdCluster shell = LocalShellEtcdCluster.write(directory, 50, 500);
        try {
            ClusterFile file = ClusterFile.read(shell.clusterFile);
            assertThat(file.target()).isEqualTo("etcd");
            for (DescribedNode node : file.nodes()) {
                ShellCommand.runChecked("start node " + node.id(), node.command(NodeAction.START).orElseThrow(), TIMEOUT);
            }
            Map<Integer, Long> pidsBefore = new HashMap<>();
            for (int id = 1; id <= 3; id++) pidsBefore.put(id, shell.pidOf("etcd" + id).orElseThrow());

            CampaignSpec spec = CampaignSpec.builder().runId("etcd-described-kill-leader").fault(FaultKind.KILL_LEADER).trials(3)
                    .trialInterval(Duration.ofMillis(1500)).downtime(Duration.ofMillis(300)).seed(11)
                    .uniqueWriters(2).registerClients(2).registerKeys(3).ratePerThread(50).build();
            Path out = directory.resolve("out");
            CampaignResult result;
            try (DescribedCluster cluster = DescribedCluster.connect(file, directory.resolve("harness"))) {
                result = Campaign.run(spec, cluster, out);
                cluster.restore();
                for (int id : cluster.nodeIds()) {
                    assertThat(cluster.isRunning(id)).as("status command of node %d after the campaign", id).isTrue();
                }
                assertThat(cluster.findLeader()).as("a leader after the campaign").isPresent();
            }

            System.out.println(Files.readString(out.resolve("verdict.txt")));
            assertThat(result.verdict().passed()).as(result.verdict().describe()).isTrue();
            assertThat(result.passed()).isTrue();
            assertThat(result.acknowledgedWrites()).isGreaterThan(50);
            // etcd's terms come from its status API: each kill of the leader must end in a later term, led by another member
            assertThat(result.trials()).hasSize(3).allMatch(TrialRecord::recovered)
                    .allMatch(trial -> trial.victim() == trial.oldLeader() && trial.newLeader() != trial.victim()
                            && trial.termsElapsed() >= 1 && !trial.leaderFromEventLog() && trial.faultToLeaderMillis() > 0);

            Set<Integer> killed = new TreeSet<>(result.trials().stream().map(TrialRecord::victim).toList());
            for (int victim : killed) {
                long pid = shell.pidOf("etcd" + victim).orElseThrow();
                assertThat(pid).as("member %d was started again under a new pid", victim).isNotEqualTo(pidsBefore.get(victim));
                assertThat(shell.isLiveMember(pid)).as("member %d (pid %d) runs again, per /proc", victim, pid).isTrue();
                assertThat(shell.isLiveMember(pidsBefore.get(victim))).as("member %d's first process is dead", victim).isFalse();
            }
            assertThat(shell.liveStartedMembers()).as("one live process per member").hasSize(3);

            List<String> commands = Files.readAllLines(directory.resolve("harness").resolve("commands.log"));
            assertThat(commands.stream().filter(line -> line.contains(" kill\texit 0"))).hasSize(3);
            assertThat(commands.stream().filter(line -> line.contains(" start\texit 0"))).hasSize(3);

            JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
            assertThat(run.path("target").asText()).isEqualTo("etcd");
            assertThat(run.path("leaderTiming").asText()).isEqualTo("status-polling");
            assertThat(run.path("electionTimeoutMaxMillis").asInt()).isEqualTo(1000);
            assertThat(run.path("skipped").path("nodeAudit").asText()).startsWith("etcd keeps no per-write audit");
            assertThat(run.path("skipped").path("eventLogTimings").asText()).startsWith("etcd writes no role-change event log");
            assertThat(Files.readString(out.resolve("verdict.txt"))).contains("node audit: skipped: etcd");
        } finally {
            assertThat(shell.killEveryStartedMember()).as("etcd members still alive after SIGKILL").isEmpty();
        }
    }

    /** etcd must be on PATH; without it the test is skipped, except under CI=true, which installs it. */
    private static void requireEtcd() {
        if (LocalShellEtcdCluster.etcdOnPath().isPresent()) return;
        String reason = "etcd is not on PATH (apt-get install -y etcd-server)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(reason + ", and CI=true: CI installs it (scripts/install-deps)");
        assumeTrue(false, reason);
    }
}
