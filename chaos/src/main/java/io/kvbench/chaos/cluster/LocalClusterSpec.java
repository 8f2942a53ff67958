package io.kvbench.chaos.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to start a local kvnode cluster. Build with {@link #builder()}; defaults are the node's own: 3 nodes,
 * election timeout [150, 300) ms, heartbeat 50 ms, connection-closed hint on, fsync always, 1 ms ticks.
 *
 * @param extraNodeArguments appended to every node's {@code kvnode run} command line
 * @param auditWrites        start nodes with {@code --audit-writes}, so each reports how many writes it applied more
 *                           than once (the campaign's node-side exactly-once check); on by default
 * @param network            how the nodes reach each other: {@link NetworkMode#LOOPBACK} (default), PROXY or
 *                           NETNS (peer links can be cut: partitions), or AUTO (NETNS where available, else PROXY)
 */
public record LocalClusterSpec(int nodeCount, String clusterId, int electionTimeoutMinMillis,
                               int electionTimeoutMaxMillis, int heartbeatMillis, int leaderLostMaxMillis,
                               boolean connectionClosedHint, String fsync, int tickMillis, Duration startTimeout,
                               List<String> extraNodeArguments, NetworkMode network, boolean auditWrites) {

    public LocalClusterSpec {
        if (nodeCount < 1) throw new IllegalArgumentException("nodeCount must be >= 1");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(network, "network");
        if (!fsync.equals("always") && !fsync.equals("none")) throw new IllegalArgumentException("fsync: always|none");
        extraNodeArguments = List.copyOf(extraNodeArguments);
        new ClusterTiming(electionTimeoutMinMillis, electionTimeoutMaxMillis, heartbeatMillis);
    }

    public static Builder builder() {
        return new Builder();
    }

    public ClusterTiming timing() {
        return new ClusterTiming(electionTimeoutMinMillis, electionTimeoutMaxMillis, heartbeatMillis);
    }

    /** The node's command-line options for these settings (without id, addresses and directories). */
    List<String> timingArguments() {
        List<String> arguments = new ArrayList<>(List.of(
                "--cluster-id", clusterId,
                "--tick-ms", Integer.toString(tickMillis),
                "--election-timeout-min-ms", Integer.toString(electionTimeoutMinMillis),
                "--election-timeout-max-ms", Integer.toString(electionTimeoutMaxMillis),
                "--heartbeat-ms", Integer.toString(heartbeatMillis),
                "--leader-lost-max-ms", Integer.toString(leaderLostMaxMillis),
                "--connection-closed-hint", Boolean.toString(connectionClosedHint),
                "--fsync", fsync));
        if (auditWrites) arguments.add("--audit-writes");
        arguments.addAll(extraNodeArguments);
        return arguments;
    }

    public static final class Builder {
        private int nodeCount = 3;
        private boolean auditWrites = true;
        private String clusterId = "kvbench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        private int electionTimeoutMinMillis = 150;
        private int electionTimeoutMaxMillis = 300;
        private int heartbeatMillis = 50;
        private int leaderLostMaxMillis = 1;
        private boolean connectionClosedHint = true;
        private String fsync = "always";
        private int tickMillis = 1;
        private Duration startTimeout = Duration.ofSeconds(30);
        private List<String> extraNodeArguments = List.of();
        private NetworkMode network = NetworkMode.LOOPBACK;

        public Builder nodeCount(int value) { nodeCount = value; return this; }
        public Builder clusterId(String value) { clusterId = value; return this; }
        public Builder electionTimeoutMillis(int min, int max) { electionTimeoutMinMillis = min; electionTimeoutMaxMillis = max; return this; }
        public Builder heartbeatMillis(int value) { heartbeatMillis = value; return this; }
        public Builder leaderLostMaxMillis(int value) { leaderLostMaxMillis = value; return this; }
        public Builder connectionClosedHint(boolean value) { connectionClosedHint = value; return this; }
        public Builder fsync(String value) { fsync = value; return this; }
        public Builder tickMillis(int value) { tickMillis = value; return this; }
        public Builder startTimeout(Duration value) { startTimeout = value; return this; }
        public Builder extraNodeArguments(List<String> value) { extraNodeArguments = value; return this; }
        public Builder network(NetworkMode value) { network = value; return this; }
        /** Older spelling: true is {@code network(PROXY)}, false {@code network(LOOPBACK)}. */
        public Builder proxiedPeers(boolean value) { network = value ? NetworkMode.PROXY : NetworkMode.LOOPBACK; return this; }

        public Builder auditWrites(boolean value) { auditWrites = value; return this; }

        public LocalClusterSpec build() {
            return new LocalClusterSpec(nodeCount, clusterId, electionTimeoutMinMillis, electionTimeoutMaxMillis,
                    heartbeatMillis, leaderLostMaxMillis, connectionClosedHint, fsync, tickMillis, startTimeout,
                    extraNodeArguments, network, auditWrites);
        }
    }
}
