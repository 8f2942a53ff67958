package io.kvbench.raft;

import java.util.List;

/**
 * One batch of work the core hands to the runtime (etcd-io/raft's {@code Ready}). The runtime handles it in
 * a fixed order:
 * <ol>
 *   <li>send {@link #messagesNow()} at once: they depend on nothing unpersisted (a leader's appends and
 *       heartbeats; the leader's own fsync runs in parallel with replication, dissertation §10.2.1);</li>
 *   <li>persist {@link #hardState()}, {@link #snapshot()} and {@link #entries()} and make them durable
 *       (an entry whose index is at or below the last persisted one replaces it and everything after it);</li>
 *   <li>then send {@link #messagesAfterPersist()} (votes, acknowledgements: etcd {@code doc.go}, "no message
 *       leaves before the hard state it depends on is durable") and call {@link RaftCore#persisted(Ready)};</li>
 *   <li>restore the state machine from {@link #snapshot()} if present, then apply {@link #committedEntries()}
 *       in order, and serve {@link #readStates()} once their index is applied.</li>
 * </ol>
 * Several Readies may be in flight to storage at once, but they must be persisted and acknowledged in the
 * order they were produced.
 */
public record Ready(HardState hardState, List<Entry> entries, Snapshot snapshot, List<Message> messagesNow,
                    List<Message> messagesAfterPersist, List<Entry> committedEntries, List<ReadState> readStates,
                    List<Long> failedReads, List<RoleChange> roleChanges) {

    public Ready {
        entries = List.copyOf(entries);
        messagesNow = List.copyOf(messagesNow);
        messagesAfterPersist = List.copyOf(messagesAfterPersist);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
        failedReads = List.copyOf(failedReads);
        roleChanges = List.copyOf(roleChanges);
    }

    /** True when something must be made durable before {@link #messagesAfterPersist()} may leave. */
    public boolean mustPersist() {
        return hardState != null || snapshot != null || !entries.isEmpty();
    }
}
