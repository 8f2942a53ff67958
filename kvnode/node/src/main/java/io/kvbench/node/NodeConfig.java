package io.kvbench.node;

import io.kvbench.driver.DriverConfig;
import io.kvbench.net.InboundLimits;
import io.kvbench.raft.RaftConfig;
import io.kvbench.wal.SyncMode;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Everything one node needs to run, built with {@link #builder}: the addresses and the data directory are required,
 * everything else defaults to {@code kvnode run}'s defaults. Times are in milliseconds here; the core counts ticks
 * of {@link #tickMillis()} each.
 */
public final class NodeConfig {
    /** Client requests held while no leader is known; beyond it they are answered NotLeader at once. */
    static final int MAX_PARKED_REQUESTS = 4096;

    private final int nodeId;
    private final String clusterId;
    private final Map<Integer, InetSocketAddress> peerAddresses;
    private final Map<Integer, InetSocketAddress> clientAddresses;
    private final Path dataDirectory;
    private final Path eventLogFile;
    private final int tickMillis;
    private final int electionTimeoutMinMillis;
    private final int electionTimeoutMaxMillis;
    private final int heartbeatIntervalMillis;
    private final int leaderLostTimeoutMaxMillis;
    private final boolean connectionClosedHint;
    private final SyncMode syncMode;
    private final int snapshotEveryEntries;
    private final int maxSessions;
    private final long sessionTimeoutMillis;
    private final int maxPendingRequests;
    private final boolean auditWrites;
    private final InboundLimits inboundLimits;
    private final ByteBudgets byteBudgets;
    private final boolean appendAcksPerTurn;
    private final boolean tickTimerAtNextDeadline;
    private final boolean walCommitOnLoopWhenIdle;

    private NodeConfig(Builder builder) {
        this.nodeId = builder.nodeId;
        this.clusterId = builder.clusterId;
        this.peerAddresses = Map.copyOf(new TreeMap<>(builder.peerAddresses));
        this.clientAddresses = Map.copyOf(new TreeMap<>(builder.clientAddresses));
        this.dataDirectory = builder.dataDirectory;
        this.eventLogFile = builder.eventLogFile != null ? builder.eventLogFile : builder.dataDirectory.resolve("events.jsonl");
        this.tickMillis = builder.tickMillis;
        this.electionTimeoutMinMillis = builder.electionTimeoutMinMillis;
        this.electionTimeoutMaxMillis = builder.electionTimeoutMaxMillis;
        this.heartbeatIntervalMillis = builder.heartbeatIntervalMillis;
        this.leaderLostTimeoutMaxMillis = builder.leaderLostTimeoutMaxMillis;
        this.connectionClosedHint = builder.connectionClosedHint;
        this.syncMode = builder.syncMode;
        this.snapshotEveryEntries = builder.snapshotEveryEntries;
        this.maxSessions = builder.maxSessions;
        this.sessionTimeoutMillis = builder.sessionTimeoutMillis;
        this.maxPendingRequests = builder.maxPendingRequests;
        this.auditWrites = builder.auditWrites;
        this.inboundLimits = builder.inboundLimits != null ? builder.inboundLimits : InboundLimits.defaults();
        this.byteBudgets = builder.byteBudgets != null ? builder.byteBudgets : ByteBudgets.defaults();
        this.appendAcksPerTurn = builder.appendAcksPerTurn;
        this.tickTimerAtNextDeadline = builder.tickTimerAtNextDeadline;
        this.walCommitOnLoopWhenIdle = builder.walCommitOnLoopWhenIdle;
        if (!peerAddresses.containsKey(nodeId)) {
            throw new IllegalArgumentException("--peers must include this node's own id " + nodeId + ": " + peerAddresses.keySet());
        }
        if (!clientAddresses.containsKey(nodeId)) {
            throw new IllegalArgumentException("--clients must include this node's own id " + nodeId);
        }
        if (tickMillis <= 0) throw new IllegalArgumentException("--tick-ms must be positive");
        if (snapshotEveryEntries <= 0) throw new IllegalArgumentException("--snapshot-every must be positive");
    }

    /**
     * @param peerAddresses   every voter's peer address, this node's included
     * @param clientAddresses every voter's client address, this node's included, so a follower can redirect a
     *                        client to the leader
     * @param dataDirectory   WAL, hard state and snapshots
     */
    public static Builder builder(int nodeId, Map<Integer, InetSocketAddress> peerAddresses,
                                  Map<Integer, InetSocketAddress> clientAddresses, Path dataDirectory) {
        return new Builder(nodeId, peerAddresses, clientAddresses, dataDirectory);
    }

    public int nodeId() {
        return nodeId;
    }

    /** Checked in every peer handshake, so a node never joins the wrong cluster. */
    public String clusterId() {
        return clusterId;
    }

    public Map<Integer, InetSocketAddress> peerAddresses() {
        return peerAddresses;
    }

    public Map<Integer, InetSocketAddress> clientAddresses() {
        return clientAddresses;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path eventLogFile() {
        return eventLogFile;
    }

    public int tickMillis() {
        return tickMillis;
    }

    public int electionTimeoutMinMillis() {
        return electionTimeoutMinMillis;
    }

    public int electionTimeoutMaxMillis() {
        return electionTimeoutMaxMillis;
    }

    public int heartbeatIntervalMillis() {
        return heartbeatIntervalMillis;
    }

    public int leaderLostTimeoutMaxMillis() {
        return leaderLostTimeoutMaxMillis;
    }

    public boolean connectionClosedHint() {
        return connectionClosedHint;
    }

    /** ALWAYS makes every acknowledged write durable; NONE is for comparison only, reported in every status and event. */
    public SyncMode syncMode() {
        return syncMode;
    }

    public int snapshotEveryEntries() {
        return snapshotEveryEntries;
    }

    public int maxSessions() {
        return maxSessions;
    }

    public long sessionTimeoutMillis() {
        return sessionTimeoutMillis;
    }

    public int maxPendingRequests() {
        return maxPendingRequests;
    }

    public boolean auditWrites() {
        return auditWrites;
    }

    /** What the client and peer ports take in at most: connections, unfinished frames (docs/inbound-limits.md). */
    public InboundLimits inboundLimits() {
        return inboundLimits;
    }

    /** The state's quota and the log's limits in bytes (docs/limits.md). */
    public ByteBudgets byteBudgets() {
        return byteBudgets;
    }

    /** A follower's acknowledgements, one per leader and turn ({@code --append-acks per-turn}; issue 19). */
    public boolean appendAcksPerTurn() {
        return appendAcksPerTurn;
    }

    /** The core's timer fires at the driver's next action, not every tick ({@code --tick-timer next-deadline}; issue 19). */
    public boolean tickTimerAtNextDeadline() {
        return tickTimerAtNextDeadline;
    }

    /**
     * The event loop writes and forces its turn's batches itself when the WAL thread is idle, instead of handing them to
     * it ({@code --wal-commit event-loop-when-idle}; issue 19).
     */
    public boolean walCommitOnLoopWhenIdle() {
        return walCommitOnLoopWhenIdle;
    }

    public InetSocketAddress peerAddress() {
        return peerAddresses.get(nodeId);
    }

    public InetSocketAddress clientAddress() {
        return clientAddresses.get(nodeId);
    }

    public List<Integer> voterIds() {
        return new ArrayList<>(new TreeMap<>(peerAddresses).keySet());
    }

    /** The core's configuration, with milliseconds turned into ticks. */
    public RaftConfig raftConfig() {
        return RaftConfig.defaults(nodeId, voterIds()).withTimeouts(
                ticks(electionTimeoutMinMillis), ticks(electionTimeoutMaxMillis), ticks(heartbeatIntervalMillis),
                Math.max(1, ticks(leaderLostTimeoutMaxMillis))).withMaxLogBytes(byteBudgets.maxLogBytes());
    }

    /** The driver's configuration: a request is held at most the minimum election timeout while no leader is known. */
    DriverConfig driverConfig() {
        return new DriverConfig(nodeId, clientAddresses, connectionClosedHint, maxPendingRequests, MAX_PARKED_REQUESTS,
                TimeUnit.MILLISECONDS.toNanos(electionTimeoutMinMillis), snapshotEveryEntries)
                .withByteLimits(byteBudgets.snapshotEveryLogBytes(), byteBudgets.quotaBytes())
                .withAppendAcksPerTurn(appendAcksPerTurn);
    }

    private int ticks(int millis) {
        return Math.max(1, millis / tickMillis);
    }

    /** Named settings with {@code kvnode run}'s defaults (KvNodeMainTest checks that they agree). */
    public static final class Builder {
        private final int nodeId;
        private final Map<Integer, InetSocketAddress> peerAddresses;
        private final Map<Integer, InetSocketAddress> clientAddresses;
        private final Path dataDirectory;
        private String clusterId = "kvbench";
        private Path eventLogFile;
        private int tickMillis = 1;
        private int electionTimeoutMinMillis = 150;
        private int electionTimeoutMaxMillis = 300;
        private int heartbeatIntervalMillis = 50;
        private int leaderLostTimeoutMaxMillis = 1;
        private boolean connectionClosedHint = true;
        private SyncMode syncMode = SyncMode.ALWAYS;
        private int snapshotEveryEntries = 100_000;
        private int maxSessions = 10_000;
        private long sessionTimeoutMillis = 600_000;
        private int maxPendingRequests = 65_536;
        private boolean auditWrites;
        private InboundLimits inboundLimits;
        private ByteBudgets byteBudgets;
        private boolean appendAcksPerTurn = true;
        private boolean tickTimerAtNextDeadline = true;
        private boolean walCommitOnLoopWhenIdle;

        private Builder(int nodeId, Map<Integer, InetSocketAddress> peerAddresses,
                        Map<Integer, InetSocketAddress> clientAddresses, Path dataDirectory) {
            this.nodeId = nodeId;
            this.peerAddresses = peerAddresses;
            this.clientAddresses = clientAddresses;
            this.dataDirectory = dataDirectory;
        }

        public Builder clusterId(String value) {
            clusterId = value;
            return this;
        }

        /** JSON lines of role changes and lifecycle events; default {@code DATA_DIR/events.jsonl}. */
        public Builder eventLogFile(Path value) {
            eventLogFile = value;
            return this;
        }

        public Builder tickMillis(int value) {
            tickMillis = value;
            return this;
        }

        /** The randomized election timeout's range, {@code [minMillis, maxMillis)}. */
        public Builder electionTimeoutMillis(int minMillis, int maxMillis) {
            electionTimeoutMinMillis = minMillis;
            electionTimeoutMaxMillis = maxMillis;
            return this;
        }

        public Builder heartbeatIntervalMillis(int value) {
            heartbeatIntervalMillis = value;
            return this;
        }

        /** After the connection to the leader closes, a pre-vote starts within [1 tick, this]. */
        public Builder leaderLostTimeoutMaxMillis(int value) {
            leaderLostTimeoutMaxMillis = value;
            return this;
        }

        public Builder connectionClosedHint(boolean value) {
            connectionClosedHint = value;
            return this;
        }

        public Builder syncMode(SyncMode value) {
            syncMode = value;
            return this;
        }

        public Builder snapshotEveryEntries(int value) {
            snapshotEveryEntries = value;
            return this;
        }

        public Builder maxSessions(int value) {
            maxSessions = value;
            return this;
        }

        public Builder sessionTimeoutMillis(long value) {
            sessionTimeoutMillis = value;
            return this;
        }

        public Builder maxPendingRequests(int value) {
            maxPendingRequests = value;
            return this;
        }

        /** Count every (client, seq) write's applications and report the totals in status (memory grows per write). */
        public Builder auditWrites(boolean value) {
            auditWrites = value;
            return this;
        }

        /** Connection caps, frame deadlines and byte budgets of both ports; default {@link InboundLimits#defaults()}. */
        public Builder inboundLimits(InboundLimits value) {
            inboundLimits = value;
            return this;
        }

        /** The state's quota and the log's limits; default {@link ByteBudgets#defaults()}, from the heap. */
        public Builder byteBudgets(ByteBudgets value) {
            byteBudgets = value;
            return this;
        }

        /** A follower acknowledges once per leader and turn rather than per append; default true. */
        public Builder appendAcksPerTurn(boolean value) {
            appendAcksPerTurn = value;
            return this;
        }

        /** The timer fires at the driver's next action rather than every tick; default true. */
        public Builder tickTimerAtNextDeadline(boolean value) {
            tickTimerAtNextDeadline = value;
            return this;
        }

        /** The event loop commits its turn's batches itself while the WAL thread is idle; default false. */
        public Builder walCommitOnLoopWhenIdle(boolean value) {
            walCommitOnLoopWhenIdle = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the option that is wrong */
        public NodeConfig build() {
            return new NodeConfig(this);
        }
    }
}
