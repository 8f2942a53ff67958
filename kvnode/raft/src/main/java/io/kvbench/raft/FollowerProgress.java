package io.kvbench.raft;

/**
 * A leader's view of one follower, for status and for the driver: {@code matchIndex} and {@code nextIndex} (Figure
 * 2), the flow-control {@code state} (PROBE, REPLICATE or SNAPSHOT, as etcd-io/raft's tracker names them) and, in
 * SNAPSHOT, the index of the snapshot the follower is owed (0 otherwise).
 */
public record FollowerProgress(int followerId, long matchIndex, long nextIndex, String state, long snapshotIndex) {
}
