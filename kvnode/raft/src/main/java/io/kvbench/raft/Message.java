package io.kvbench.raft;

import java.util.List;

/**
 * Every message between cores. Each carries the sender's term: the core handles terms first and in one
 * place (§5.1: a higher term makes any role step down; a lower term is answered so the sender steps down).
 * Node ids are positive integers.
 */
public sealed interface Message {
    int from();

    int to();

    long term();

    /**
     * RequestVote (§5.2), also used for the pre-vote round (dissertation §9.6) where {@code term} is the
     * term the sender would campaign in, not its current term. {@code transfer} is set when the campaign
     * was ordered by the leader through {@link TimeoutNow}, so followers must not refuse it for having
     * heard from a leader recently.
     */
    record VoteRequest(int from, int to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
                       boolean transfer) implements Message {
    }

    /** Reply to a {@link VoteRequest}; for a pre-vote, {@code term} echoes the requested term when granted. */
    record VoteResponse(int from, int to, long term, boolean granted, boolean preVote) implements Message {
    }

    /**
     * AppendEntries (§5.3). {@code entries} follow the entry at {@code prevLogIndex}/{@code prevLogTerm};
     * {@code leaderCommit} is the leader's commit index.
     */
    record AppendRequest(int from, int to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
                         long leaderCommit) implements Message {
        public AppendRequest {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Reply to an {@link AppendRequest} or {@link SnapshotRequest}. On success {@code matchIndex} is the last
     * index the follower now holds durably and that matches the leader. On rejection the conflict hint lets
     * the leader skip a whole term at a time (§5.3, "fast back-off"): {@code conflictTerm} is the follower's
     * term at {@code prevLogIndex} (0 when its log is shorter) and {@code conflictIndex} the first index the
     * follower holds with that term (or its last index + 1 when shorter).
     */
    record AppendResponse(int from, int to, long term, boolean success, long matchIndex, long conflictTerm,
                          long conflictIndex) implements Message {
    }

    /**
     * Leader heartbeat. Separate from AppendEntries (as in etcd) so that it never fails a log-matching check:
     * it only asserts leadership, advances the follower's commit to what the follower is known to hold, and
     * carries {@code readRound} so the leader can confirm leadership for ReadIndex reads (§6.4).
     */
    record Heartbeat(int from, int to, long term, long commitIndex, long readRound) implements Message {
    }

    /** Reply to a {@link Heartbeat}, echoing its {@code readRound}. */
    record HeartbeatResponse(int from, int to, long term, long readRound) implements Message {
    }

    /**
     * InstallSnapshot (§7) for a follower whose next entry the leader has compacted away. The core emits it to say
     * "this follower needs my snapshot"; the leader's driver streams the snapshot's bytes as {@link SnapshotChunk}s
     * instead of sending it, and the follower's driver steps it into its core only once every chunk is staged and
     * checked (the "done" of §7), so a core never installs a snapshot that was partly received.
     */
    record SnapshotRequest(int from, int to, long term, Snapshot snapshot) implements Message {
    }

    /**
     * One piece of a snapshot's bytes, leader to follower (§7: {@code offset} is where {@code data} goes in the
     * snapshot of {@code totalBytes} bytes; done when {@code offset + data.length == totalBytes}). The core handles
     * its term as a leader's message; the drivers move the bytes (ReplicaDriver's snapshot sender and receiver).
     */
    record SnapshotChunk(int from, int to, long term, Snapshot snapshot, long totalBytes, long offset, byte[] data)
            implements Message {
        public SnapshotChunk {
            if (data == null) throw new IllegalArgumentException("chunk data is null");
            if (offset < 0 || totalBytes < 0 || offset + data.length > totalBytes) {
                throw new IllegalArgumentException("chunk [" + offset + ", +" + data.length + ") outside a snapshot of "
                        + totalBytes + " bytes");
            }
        }

        public boolean done() {
            return offset + data.length == totalBytes;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SnapshotChunk c && c.from == from && c.to == to && c.term == term
                    && c.snapshot.equals(snapshot) && c.totalBytes == totalBytes && c.offset == offset
                    && java.util.Arrays.equals(c.data, data);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(from, to, term, snapshot, totalBytes, offset);
        }

        @Override
        public String toString() {
            return "SnapshotChunk[from=" + from + ", to=" + to + ", term=" + term + ", " + snapshot + ", ["
                    + offset + ", " + (offset + data.length) + ") of " + totalBytes + "]";
        }
    }

    /**
     * Follower to leader: the first {@code receivedBytes} bytes of {@code snapshot} are staged here, in order. It
     * acknowledges chunks and says where to resume: after a lost chunk or a dropped connection the leader sends again
     * from {@code receivedBytes}; 0 means start over (the follower restarted, or the staged copy failed its check).
     */
    record SnapshotChunkAck(int from, int to, long term, Snapshot snapshot, long receivedBytes) implements Message {
    }

    /** Leadership transfer (dissertation §3.10): the receiver starts an election at once, skipping pre-vote. */
    record TimeoutNow(int from, int to, long term) implements Message {
    }
}
