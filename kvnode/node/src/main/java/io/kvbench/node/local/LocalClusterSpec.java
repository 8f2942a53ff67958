package io.kvbench.node.local;

import io.kvbench.node.NodeConfig;
import io.kvbench.node.NodeRuntime;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How to start a local kvnode cluster, built with {@link #builder()}. The node settings default to
 * {@code kvnode run}'s own (election timeout [150, 300) ms, heartbeat 50 ms, leader-lost hint within 1 ms, fsync
 * always, 1 ms ticks), with the write audit on (the suite's exactly-once check; turn it off for long runs). Nodes run
 * as child processes with {@link NodeJvmOptions#FAILOVER} unless the builder says otherwise, or in this JVM.
 */
public final class LocalClusterSpec {
    /** Where the nodes run: separate JVMs, as deployed, or {@link NodeRuntime}s in this JVM (tests, JMH). */
    public enum Backend { PROCESSES, IN_PROCESS }

    /** Starts one in-process node from its configuration; tests pass one that adds their hooks. */
    @FunctionalInterface
    public interface NodeStarter {
        NodeRuntime start(NodeConfig config) throws IOException;
    }

    private final int nodeCount;
    private final String clusterId;
    private final int electionTimeoutMinMillis;
    private final int electionTimeoutMaxMillis;
    private final int heartbeatMillis;
    private final int leaderLostMaxMillis;
    private final boolean connectionClosedHint;
    private final String fsync;
    private final int tickMillis;
    private final boolean auditWrites;
    private final List<String> extraNodeArguments;
    private final Duration startTimeout;
    private final Backend backend;
    private final List<String> jvmOptions;
    private final String classPath;
    private final Duration stopGracePeriod;
    private final NodeStarter nodeStarter;

    private LocalClusterSpec(Builder builder) {
        if (builder.nodeCount < 1) throw new IllegalArgumentException("nodeCount must be >= 1");
        if (!builder.fsync.equals("always") && !builder.fsync.equals("none")) throw new IllegalArgumentException("fsync: always|none");
        if (builder.heartbeatMillis <= 0 || builder.electionTimeoutMinMillis <= 0
                || builder.electionTimeoutMaxMillis < builder.electionTimeoutMinMillis) {
            throw new IllegalArgumentException("bad timing: election [" + builder.electionTimeoutMinMillis + ", "
                    + builder.electionTimeoutMaxMillis + ") heartbeat " + builder.heartbeatMillis);
        }
        this.nodeCount = builder.nodeCount;
        this.clusterId = Objects.requireNonNull(builder.clusterId, "clusterId");
        this.electionTimeoutMinMillis = builder.electionTimeoutMinMillis;
        this.electionTimeoutMaxMillis = builder.electionTimeoutMaxMillis;
        this.heartbeatMillis = builder.heartbeatMillis;
        this.leaderLostMaxMillis = builder.leaderLostMaxMillis;
        this.connectionClosedHint = builder.connectionClosedHint;
        this.fsync = builder.fsync;
        this.tickMillis = builder.tickMillis;
        this.auditWrites = builder.auditWrites;
        this.extraNodeArguments = List.copyOf(builder.extraNodeArguments);
        this.startTimeout = Objects.requireNonNull(builder.startTimeout, "startTimeout");
        this.backend = builder.backend;
        this.jvmOptions = List.copyOf(builder.jvmOptions);
        this.classPath = Objects.requireNonNull(builder.classPath, "classPath");
        this.stopGracePeriod = Objects.requireNonNull(builder.stopGracePeriod, "stopGracePeriod");
        this.nodeStarter = Objects.requireNonNull(builder.nodeStarter, "nodeStarter");
    }

    public static Builder builder() {
        return new Builder();
    }

    public int nodeCount() {
        return nodeCount;
    }

    public String clusterId() {
        return clusterId;
    }

    public int electionTimeoutMinMillis() {
        return electionTimeoutMinMillis;
    }

    public int electionTimeoutMaxMillis() {
        return electionTimeoutMaxMillis;
    }

    public int heartbeatMillis() {
        return heartbeatMillis;
    }

    public int leaderLostMaxMillis() {
        return leaderLostMaxMillis;
    }

    public boolean connectionClosedHint() {
        return connectionClosedHint;
    }

    public String fsync() {
        return fsync;
    }

    public boolean auditWrites() {
        return auditWrites;
    }

    /** How long starting waits for every node to answer a status request. */
    public Duration startTimeout() {
        return startTimeout;
    }

    public Backend backend() {
        return backend;
    }

    /** The nodes' JVM options (child processes only). */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /** The class path the child processes run with: it must hold kvnode-node and its dependencies. */
    public String classPath() {
        return classPath;
    }

    /**
     * How {@link LocalCluster#close()} stops a node: zero sends SIGKILL at once (a test's or campaign's scratch
     * cluster); more sends SIGTERM (a leader hands over first) and SIGKILL after this long.
     */
    public Duration stopGracePeriod() {
        return stopGracePeriod;
    }

    NodeStarter nodeStarter() {
        return nodeStarter;
    }

    /**
     * The {@code kvnode run} options every node gets (without id, addresses and directories). An extra argument that
     * names one of the spec's own options ({@code --tick-ms=5} or {@code --tick-ms 5}) replaces it: kvnode takes each
     * option once.
     */
    public List<String> nodeArguments() {
        Set<String> overridden = new HashSet<>();
        for (String argument : extraNodeArguments) {
            if (argument.startsWith("--")) overridden.add(argument.split("=", 2)[0]);
        }
        List<String> arguments = new ArrayList<>();
        String[][] own = {
                {"--cluster-id", clusterId},
                {"--tick-ms", Integer.toString(tickMillis)},
                {"--election-timeout-min-ms", Integer.toString(electionTimeoutMinMillis)},
                {"--election-timeout-max-ms", Integer.toString(electionTimeoutMaxMillis)},
                {"--heartbeat-ms", Integer.toString(heartbeatMillis)},
                {"--leader-lost-max-ms", Integer.toString(leaderLostMaxMillis)},
                {"--connection-closed-hint", Boolean.toString(connectionClosedHint)},
                {"--fsync", fsync}};
        for (String[] option : own) {
            if (!overridden.contains(option[0])) arguments.addAll(List.of(option));
        }
        if (auditWrites && !overridden.contains("--audit-writes")) arguments.add("--audit-writes");
        arguments.addAll(extraNodeArguments);
        return arguments;
    }

    public static final class Builder {
        private int nodeCount = 3;
        private String clusterId = "kvbench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        private int electionTimeoutMinMillis = 150;
        private int electionTimeoutMaxMillis = 300;
        private int heartbeatMillis = 50;
        private int leaderLostMaxMillis = 1;
        private boolean connectionClosedHint = true;
        private String fsync = "always";
        private int tickMillis = 1;
        private boolean auditWrites = true;
        private List<String> extraNodeArguments = List.of();
        private Duration startTimeout = Duration.ofSeconds(30);
        private Backend backend = Backend.PROCESSES;
        private List<String> jvmOptions = NodeJvmOptions.split(NodeJvmOptions.FAILOVER);
        private String classPath = LocalCluster.ownClassPath();
        private Duration stopGracePeriod = Duration.ZERO;
        private NodeStarter nodeStarter = NodeRuntime::start;

        public Builder nodeCount(int value) { nodeCount = value; return this; }
        public Builder clusterId(String value) { clusterId = value; return this; }
        public Builder electionTimeoutMillis(int min, int max) { electionTimeoutMinMillis = min; electionTimeoutMaxMillis = max; return this; }
        public Builder heartbeatMillis(int value) { heartbeatMillis = value; return this; }
        public Builder leaderLostMaxMillis(int value) { leaderLostMaxMillis = value; return this; }
        public Builder connectionClosedHint(boolean value) { connectionClosedHint = value; return this; }
        public Builder fsync(String value) { fsync = value; return this; }
        public Builder tickMillis(int value) { tickMillis = value; return this; }
        public Builder auditWrites(boolean value) { auditWrites = value; return this; }
        /** Appended to every node's {@code kvnode run} options; one naming an option of the spec replaces it. */
        public Builder extraNodeArguments(List<String> value) { extraNodeArguments = value; return this; }
        public Builder startTimeout(Duration value) { startTimeout = value; return this; }
        /** Child processes with these JVM options (one element per option; see {@link NodeJvmOptions}). */
        public Builder jvmOptions(List<String> value) { backend = Backend.PROCESSES; jvmOptions = value; return this; }
        /** Child processes with these JVM options written as one string, e.g. {@link NodeJvmOptions#THROUGHPUT}. */
        public Builder jvmOptions(String value) { return jvmOptions(NodeJvmOptions.split(value)); }
        public Builder classPath(String value) { classPath = value; return this; }
        public Builder stopGracePeriod(Duration value) { stopGracePeriod = value; return this; }
        /** Every node a {@link NodeRuntime} in this JVM. */
        public Builder inProcess() { return inProcess(NodeRuntime::start); }
        /** Every node a {@link NodeRuntime} in this JVM, started by {@code starter} (a test's hooks). */
        public Builder inProcess(NodeStarter starter) { backend = Backend.IN_PROCESS; nodeStarter = starter; return this; }

        public LocalClusterSpec build() {
            return new LocalClusterSpec(this);
        }
    }
}
