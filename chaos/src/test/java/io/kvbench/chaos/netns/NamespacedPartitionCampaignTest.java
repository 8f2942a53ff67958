package io.kvbench.chaos.netns;

import io.kvbench.chaos.campaign.Campaign;
import io.kvbench.chaos.campaign.CampaignResult;
import io.kvbench.chaos.campaign.CampaignSpec;
import io.kvbench.chaos.campaign.FaultKind;
import io.kvbench.chaos.campaign.TrialRecord;
import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.chaos.cluster.NetworkMode;
import io.kvbench.node.local.LocalClusterSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The partition campaign of {@code PartitionCampaignTest} with the nodes in network namespaces, the leader cut off
 * by packet drops in the bridge instead of by the proxies: a new leader every time, the healed old leader
 * follows; nothing lost, no duplicates, linearizable. -Dchaos.netns.trials=N for a longer run.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NamespacedPartitionCampaignTest {
    @TempDir
    Path directory;

    @BeforeAll
    static void requireNamespaces() {
        NamespaceAssumptions.requireNamespaces();
    }

    @Test
    void leaderPartitionsInTheBridgeRecoverEveryTimeAndLoseNothing() throws Exception {
        int trials = Integer.getInteger("chaos.netns.trials", 3);
        Path out = directory.resolve("out");
        CampaignSpec spec = CampaignSpec.builder().runId("ci-partition-leader-netns").fault(FaultKind.PARTITION_LEADER).trials(trials)
                .trialInterval(Duration.ofSeconds(3)).downtime(Duration.ofMillis(1000)).seed(42)
                .uniqueWriters(2).registerClients(2).registerKeys(3).ratePerThread(50).build();
        CampaignResult result;
        try (LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().nodeCount(3).build(), NetworkMode.NETNS,
                directory.resolve("cluster"))) {
            assertThat(cluster.network()).isEqualTo(NetworkMode.NETNS);
            result = Campaign.run(spec, cluster, out);
        }
        System.out.println(Files.readString(out.resolve("verdict.txt")));
        System.out.println(Files.readString(out.resolve("summary.csv")));
        assertThat(result.verdict().passed()).as(result.verdict().describe()).isTrue();
        assertThat(result.trials()).hasSize(trials).allMatch(TrialRecord::recovered);
        assertThat(result.trials()).allMatch(trial -> trial.newLeader() != trial.victim() && trial.termsElapsed() >= 1
                && trial.faultToLeaderMillis() > 0);
        assertThat(result.passed()).isTrue();
    }
}
