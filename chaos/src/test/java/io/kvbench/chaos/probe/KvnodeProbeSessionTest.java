package io.kvbench.chaos.probe;

import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.node.local.LocalClusterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kvnode probe's sessions outlive the nodes' idle expiry. Between faults only the leader's session is used (the
 * rehearsal write; followers refuse theirs), so a follower's session expires by the log's clock; a follower that is
 * then elected must still acknowledge the probe's writes, or the trial has no figure at all.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KvnodeProbeSessionTest {
    private static final long SESSION_TIMEOUT_MILLIS = 1_000;

    @TempDir
    Path directory;

    @Test
    void aFollowersSessionThatExpiredBetweenFaultsIsRenewedBeforeTheNextOne() throws Exception {
        LocalClusterSpec spec = LocalClusterSpec.builder().nodeCount(3).heartbeatMillis(30)
                .extraNodeArguments(List.of("--session-timeout-ms", Long.toString(SESSION_TIMEOUT_MILLIS))).build();
        try (LocalKvCluster cluster = LocalKvCluster.start(spec, directory);
             FailoverProbe probe = FailoverProbe.open(cluster, "session-test/", Duration.ofMillis(1), Thread.NORM_PRIORITY)) {
            cluster.awaitLeader(Duration.ofSeconds(30));
            probe.prepare(Duration.ofSeconds(30));
            // The log's clock passes the session timeout with no write in the followers' sessions.
            long expired = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * SESSION_TIMEOUT_MILLIS);
            while (System.nanoTime() - expired < 0) LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            probe.prepare(Duration.ofSeconds(30));

            LeaderInfo leader = cluster.awaitLeader(Duration.ofSeconds(30));
            long fault = System.nanoTime();
            FailoverProbe.Trial trial = probe.start(fault, leader.nodeId(), true);
            cluster.kill(leader.nodeId());
            trial.countFrom(cluster.signalSentNanos(leader.nodeId()).orElse(fault));
            OptionalLong firstAck = trial.awaitFirstAck(fault + TimeUnit.SECONDS.toNanos(10));
            ProbeResult result = trial.finish();

            assertThat(firstAck).as("a probe write acknowledged by the new leader, which was a follower").isPresent();
            assertThat(result.firstAckNanos()).isPresent();
        }
    }
}
