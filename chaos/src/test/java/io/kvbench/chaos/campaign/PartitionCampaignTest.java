package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.chaos.cluster.NetworkMode;
import io.kvbench.node.local.LocalClusterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short campaign of leader partitions (silent, through the peer proxies) on three real nodes under load:
 * a new leader every time, then the healed old leader follows; nothing lost, no duplicates, linearizable.
 * -Dchaos.partition.trials=N for a longer run (the report's figures use 20); -Dchaos.partition.out=DIR keeps the files.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class PartitionCampaignTest {
    @TempDir
    Path directory;

    @Test
    void leaderPartitionsUnderLoadRecoverEveryTimeAndLoseNothing() throws Exception {
        int trials = Integer.getInteger("chaos.partition.trials", 3);
        Path out = Path.of(System.getProperty("chaos.partition.out", directory.resolve("out").toString()));
        CampaignSpec spec = CampaignSpec.builder().runId("ci-partition-leader").fault(FaultKind.PARTITION_LEADER).trials(trials)
                .trialInterval(Duration.ofSeconds(3)).downtime(Duration.ofMillis(1000)).seed(42)
                .uniqueWriters(2).registerClients(2).registerKeys(3).ratePerThread(50).build();
        CampaignResult result;
        try (LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().nodeCount(3).build(), NetworkMode.PROXY,
                directory.resolve("cluster"))) {
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
