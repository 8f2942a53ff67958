package io.kvbench.raft;

import java.util.List;

/**
 * Everything that tunes one core. Time is counted in ticks; the runtime decides how long a tick is.
 *
 * @param nodeId                     this node's id (positive)
 * @param voterIds                   every voter's id, including this node
 * @param electionTimeoutMinTicks    lower bound of the randomized election timeout (§5.2), inclusive
 * @param electionTimeoutMaxTicks    upper bound, exclusive
 * @param heartbeatIntervalTicks     how often a leader asserts itself; well below the election timeout (§5.6)
 * @param leaderLostTimeoutMaxTicks  after the runtime reports that the connection to the leader closed, a
 *                                   follower starts its pre-vote within [1, this] ticks (random). Two followers
 *                                   that pre-vote at once do not split the vote (the pre-candidates' tie-break),
 *                                   so 1 is safe for liveness too; the nodes default to 1 ms
 * @param maxEntriesPerAppend        bound on the entries of one AppendEntries message
 * @param maxBytesPerAppend          bound on the entry bytes of one AppendEntries message (one entry always fits)
 * @param maxInflightAppends         bound on unacknowledged AppendEntries per follower
 * @param maxUncommittedEntries      proposals beyond this many uncommitted entries are refused (back-pressure)
 * @param maxLogBytes                a leader refuses proposals while its in-memory log (the entries after its
 *                                   snapshot, {@link Entry#sizeBytes()} each) holds this many bytes or more: the log
 *                                   is bounded in bytes, not only in entries, until a snapshot compacts it (etcd's
 *                                   MaxUncommittedEntriesSize bounds the uncommitted part the same way)
 * @param maxEntriesPerApply         bound on the committed entries handed out by one Ready
 * @param preVote                    run the pre-vote round before raising the term (dissertation §9.6)
 * @param checkQuorum                a leader that has not heard from a majority for an election timeout steps down
 */
public record RaftConfig(int nodeId, List<Integer> voterIds, int electionTimeoutMinTicks, int electionTimeoutMaxTicks,
                         int heartbeatIntervalTicks, int leaderLostTimeoutMaxTicks, int maxEntriesPerAppend,
                         long maxBytesPerAppend, int maxInflightAppends, int maxUncommittedEntries,
                         long maxLogBytes, int maxEntriesPerApply, boolean preVote, boolean checkQuorum) {

    public RaftConfig {
        voterIds = List.copyOf(voterIds);
        require(nodeId > 0, "node id must be positive: " + nodeId);
        require(voterIds.contains(nodeId), "voters " + voterIds + " must include this node " + nodeId);
        require(voterIds.stream().allMatch(id -> id > 0), "voter ids must be positive: " + voterIds);
        require(voterIds.stream().distinct().count() == voterIds.size(), "duplicate voter ids: " + voterIds);
        require(heartbeatIntervalTicks > 0, "heartbeat interval must be positive");
        require(electionTimeoutMinTicks > heartbeatIntervalTicks,
                "election timeout min (" + electionTimeoutMinTicks + ") must exceed the heartbeat interval ("
                        + heartbeatIntervalTicks + ")");
        require(electionTimeoutMaxTicks > electionTimeoutMinTicks,
                "election timeout max must exceed min: [" + electionTimeoutMinTicks + ", " + electionTimeoutMaxTicks + ")");
        require(leaderLostTimeoutMaxTicks >= 1, "leader-lost timeout must be at least one tick");
        require(maxEntriesPerAppend > 0 && maxBytesPerAppend > 0 && maxInflightAppends > 0,
                "append bounds must be positive");
        require(maxUncommittedEntries > 0 && maxEntriesPerApply > 0 && maxLogBytes > 0, "log bounds must be positive");
    }

    /**
     * Defaults for a node ticking every millisecond: election timeout [150, 300) ms, heartbeat 30 ms, an in-memory log
     * of at most {@link #DEFAULT_MAX_LOG_BYTES} (the node sets it from its heap).
     */
    public static RaftConfig defaults(int nodeId, List<Integer> voterIds) {
        return new RaftConfig(nodeId, voterIds, 150, 300, 30, 10, 1024, 4L << 20, 256, 65_536, DEFAULT_MAX_LOG_BYTES,
                4096, true, true);
    }

    public static final long DEFAULT_MAX_LOG_BYTES = 256L << 20;

    public RaftConfig withTimeouts(int electionMin, int electionMax, int heartbeat, int leaderLostMax) {
        return new RaftConfig(nodeId, voterIds, electionMin, electionMax, heartbeat, leaderLostMax,
                maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends, maxUncommittedEntries, maxLogBytes,
                maxEntriesPerApply, preVote, checkQuorum);
    }

    public RaftConfig withAppendBounds(int entriesPerAppend, long bytesPerAppend, int inflightAppends) {
        return new RaftConfig(nodeId, voterIds, electionTimeoutMinTicks, electionTimeoutMaxTicks,
                heartbeatIntervalTicks, leaderLostTimeoutMaxTicks, entriesPerAppend, bytesPerAppend,
                inflightAppends, maxUncommittedEntries, maxLogBytes, maxEntriesPerApply, preVote, checkQuorum);
    }

    public RaftConfig withMaxEntriesPerApply(int entriesPerApply) {
        return new RaftConfig(nodeId, voterIds, electionTimeoutMinTicks, electionTimeoutMaxTicks,
                heartbeatIntervalTicks, leaderLostTimeoutMaxTicks, maxEntriesPerAppend, maxBytesPerAppend,
                maxInflightAppends, maxUncommittedEntries, maxLogBytes, entriesPerApply, preVote, checkQuorum);
    }

    public RaftConfig withPreVote(boolean enabled) {
        return new RaftConfig(nodeId, voterIds, electionTimeoutMinTicks, electionTimeoutMaxTicks,
                heartbeatIntervalTicks, leaderLostTimeoutMaxTicks, maxEntriesPerAppend, maxBytesPerAppend,
                maxInflightAppends, maxUncommittedEntries, maxLogBytes, maxEntriesPerApply, enabled, checkQuorum);
    }

    public RaftConfig withCheckQuorum(boolean enabled) {
        return new RaftConfig(nodeId, voterIds, electionTimeoutMinTicks, electionTimeoutMaxTicks,
                heartbeatIntervalTicks, leaderLostTimeoutMaxTicks, maxEntriesPerAppend, maxBytesPerAppend,
                maxInflightAppends, maxUncommittedEntries, maxLogBytes, maxEntriesPerApply, preVote, enabled);
    }

    public RaftConfig withMaxLogBytes(long bytes) {
        return new RaftConfig(nodeId, voterIds, electionTimeoutMinTicks, electionTimeoutMaxTicks,
                heartbeatIntervalTicks, leaderLostTimeoutMaxTicks, maxEntriesPerAppend, maxBytesPerAppend,
                maxInflightAppends, maxUncommittedEntries, bytes, maxEntriesPerApply, preVote, checkQuorum);
    }

    public RaftConfig withNodeId(int id) {
        return new RaftConfig(id, voterIds, electionTimeoutMinTicks, electionTimeoutMaxTicks, heartbeatIntervalTicks,
                leaderLostTimeoutMaxTicks, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends,
                maxUncommittedEntries, maxLogBytes, maxEntriesPerApply, preVote, checkQuorum);
    }

    public int quorum() {
        return voterIds.size() / 2 + 1;
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }
}
