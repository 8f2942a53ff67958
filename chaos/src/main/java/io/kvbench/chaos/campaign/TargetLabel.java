package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.cluster.ClusterTiming;
import io.kvbench.chaos.cluster.LocalKvCluster;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * The one-line name of what a campaign measured, for charts and tables (run.json {@code targetLabel},
 * summary.csv {@code target_label}): the system and its version, etcd's API, heartbeat and election timeout,
 * kvnode's connection-closed hint, and the probe interval, e.g.
 * {@code etcd 3.4.23 (v3 JSON gateway), heartbeat 30 ms, election 150-300 ms, probe 1 ms}. A fact this run cannot
 * know says so rather than being guessed.
 */
final class TargetLabel {
    private TargetLabel() {
    }

    /**
     * @param gitSha       the harness's commit: a local kvnode cluster runs the nodes from the harness's own build
     * @param etcdVersion  the version etcd's members report in their status
     */
    static String of(Cluster cluster, String gitSha, Optional<String> etcdVersion, Duration probeInterval) {
        ClusterTiming timing = cluster.timing();
        String settings = "heartbeat " + timing.heartbeatMillis() + " ms, election " + timing.electionTimeoutMinMillis()
                + "-" + timing.electionTimeoutMaxMillis() + " ms";
        String probe = "probe " + millis(probeInterval) + " ms";
        if (cluster.targetName().equals("etcd")) {
            return "etcd " + etcdVersion.orElse("(version not reported)") + " (v3 JSON gateway), " + settings + ", " + probe;
        }
        if (cluster instanceof LocalKvCluster local) {
            String commit = gitSha.isEmpty() ? "(commit unknown)" : gitSha.substring(0, Math.min(7, gitSha.length()));
            return cluster.targetName() + " " + commit + ", " + settings + ", connection-closed hint "
                    + (local.spec().connectionClosedHint() ? "on" : "off") + ", " + probe;
        }
        return cluster.targetName() + " (described cluster: build and connection-closed hint not known here), " + settings + ", " + probe;
    }

    /** 1, 0.5, 1.25: no trailing zeros, a dot whatever the locale. */
    static String millis(Duration duration) {
        return BigDecimal.valueOf(duration.toNanos(), 6).stripTrailingZeros().toPlainString();
    }
}
