package io.kvbench.chaos.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.bench.etcd.EtcdClusterSpec;
import io.kvbench.chaos.cluster.EtcdClusterAdapter;
import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.node.local.LocalClusterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The failover probe's figure is set by the system under test, not by the harness's client: with the checked
 * writers' attempt timeout at 2 s, far above any election here, fault to first acknowledged write still lands
 * within a few commits of the leader time measured in the same trial, for etcd (leader timed by status polling)
 * and for kvnode with the connection-closed hint off (an election-timeout-bound failover, timed by the event logs).
 * Every trial: after the leader change (an acknowledgement needs a leader) and far below the attempt timeout; the
 * median trial: within {@link #FEW_COMMITS_MILLIS} of it. Only the median has to be that close, because on two
 * shared cores a single trial can meet a stall of the disk or of the whole machine: seen here, etcd members all
 * answering nothing for 60 ms right after their new leader's first commit, and the probe's own thread off the CPU
 * for over 100 ms (elections.csv {@code probe_max_gap_ms} records the latter).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class FirstAckProbeTest {
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /** "A few commits" on two shared cores: generous, and still 20x below the attempt timeout and below any election timeout. */
    private static final double FEW_COMMITS_MILLIS = 100;
    /** No trial may come near the attempt timeout: that is what the old rule measured. */
    private static final double FAR_BELOW_ATTEMPT_TIMEOUT_MILLIS = ATTEMPT_TIMEOUT.toMillis() / 2.0;
    private static final int TRIALS = 3;

    @TempDir
    Path directory;

    private static CampaignSpec spec(String runId) {
        return CampaignSpec.builder().runId(runId).fault(FaultKind.KILL_LEADER).trials(TRIALS)
                .trialInterval(Duration.ofSeconds(3)).downtime(Duration.ofMillis(500)).seed(16)
                .uniqueWriters(2).registerClients(2).registerKeys(3).ratePerThread(50)
                .attemptTimeout(ATTEMPT_TIMEOUT).operationTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void etcdFirstAcknowledgedWriteFollowsItsLeaderNotTheClientsAttemptTimeout() throws Exception {
        assumeTrue(Files.isExecutable(EtcdClusterSpec.DEBIAN_ETCD), "etcd is not installed (apt-get install -y etcd-server)");
        CampaignResult result;
        try (EtcdClusterAdapter cluster = EtcdClusterAdapter.start(EtcdClusterSpec.threeMembers().withTiming(30, 150),
                directory.resolve("cluster"))) {
            result = Campaign.run(spec("probe-etcd"), cluster, directory.resolve("out"));
        }
        print(result);
        assertThat(result.passed()).as(result.verdict().describe()).isTrue();
        for (TrialRecord trial : result.trials()) {
            assertThat(trial.leaderFromEventLog()).isFalse();
            assertThat(trial.faultToLeaderErrorMillis()).as("trial %d: polling's error bar", trial.trial()).isNotNaN().isNotNegative();
            // The change happened after the last poll that still said otherwise left; no write is acknowledged before it.
            double leaderAtLeast = trial.faultToLeaderMillis() - trial.faultToLeaderErrorMillis();
            assertThat(trial.faultToFirstAckMillis()).as("trial %d", trial.trial())
                    .isGreaterThan(leaderAtLeast)
                    .isLessThan(trial.faultToLeaderMillis() + FAR_BELOW_ATTEMPT_TIMEOUT_MILLIS);
            assertThat(trial.probeWrites()).isPositive();
        }
        assertThat(medianFirstAckAfterLeader(result)).isLessThan(FEW_COMMITS_MILLIS);
        JsonNode run = runJson();
        assertThat(run.path("targetLabel").asText())
                .matches("etcd \\d+\\.\\d+\\.\\d+ \\(v3 JSON gateway\\), heartbeat 30 ms, election 150-300 ms, probe 1 ms");
        assertThat(run.path("probeIntervalMillis").asDouble()).isEqualTo(1.0);
        assertThat(run.path("leaderTiming").asText()).isEqualTo("status-polling");
        assertThat(run.path("leaderPollIntervalMillis").asDouble()).isEqualTo(1.0);
    }

    @Test
    void kvnodeWithoutTheConnectionClosedHintFirstAcknowledgedWriteFollowsItsLeader() throws Exception {
        CampaignResult result;
        try (LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().nodeCount(3).electionTimeoutMillis(150, 300)
                        .heartbeatMillis(30).connectionClosedHint(false).build(), directory.resolve("cluster"))) {
            result = Campaign.run(spec("probe-kvnode-nohint"), cluster, directory.resolve("out"));
        }
        print(result);
        assertThat(result.passed()).as(result.verdict().describe()).isTrue();
        for (TrialRecord trial : result.trials()) {
            assertThat(trial.leaderFromEventLog()).isTrue();
            // Without the hint the survivors wait out an election timeout: the leader comes after 150 ms.
            assertThat(trial.faultToLeaderMillis()).isGreaterThan(100);
            assertThat(trial.faultToFirstAckMillis()).as("trial %d", trial.trial())
                    .isGreaterThan(trial.faultToLeaderMillis())
                    .isLessThan(trial.faultToLeaderMillis() + FAR_BELOW_ATTEMPT_TIMEOUT_MILLIS);
            assertThat(trial.probeWrites()).isPositive();
        }
        assertThat(medianFirstAckAfterLeader(result)).isLessThan(FEW_COMMITS_MILLIS);
        assertThat(runJson().path("targetLabel").asText())
                .isEqualTo("kvnode (commit unknown), heartbeat 30 ms, election 150-300 ms, connection-closed hint off, probe 1 ms");
    }

    private static double medianFirstAckAfterLeader(CampaignResult result) {
        double[] gaps = result.trials().stream().mapToDouble(t -> t.faultToFirstAckMillis() - t.faultToLeaderMillis()).sorted().toArray();
        return gaps[gaps.length / 2];
    }

    private JsonNode runJson() throws Exception {
        return new ObjectMapper().readTree(directory.resolve("out").resolve("run.json").toFile());
    }

    /** For the report: the probe's figure beside the leader and the old rule's (the checked writers'). */
    private static void print(CampaignResult result) {
        System.out.println(result.targetLabel());
        for (TrialRecord t : result.trials()) {
            System.out.printf(java.util.Locale.ROOT, "trial %d: leader %.1f ms (error %.1f), ready %.1f, probe first ack %.1f, checked writers' first ack %.1f, "
                            + "probe writes %d, largest probe gap %.1f ms%n", t.trial(), t.faultToLeaderMillis(), t.faultToLeaderErrorMillis(),
                    t.faultToLeaderReadyMillis(), t.faultToFirstAckMillis(), t.faultToFirstCheckedAckMillis(), t.probeWrites(), t.probeMaxGapMillis());
        }
    }
}
