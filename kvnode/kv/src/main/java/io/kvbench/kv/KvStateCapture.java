package io.kvbench.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The state of a {@link KvStateMachine} at one applied index, copied so that {@link #serialize()} can run on
 * another thread while the state machine goes on applying entries. Taking it costs reference copies only, one
 * per key, per session's cached reply and per audit entry, and no encoding: the value arrays are shared, which
 * is safe because the state machine never mutates an array once stored (a write stores the copy that
 * {@code Put.value()} or {@code Cas.newValue()} returns, and reads hand out clones), and cached replies are
 * immutable {@link KvResult}s. The sessions and the write audit are mutable, so they are copied.
 */
public final class KvStateCapture {
    /** One session as it was at capture: its replies in ascending seq order. */
    record SessionCopy(long clientId, long registrationId, long lastUsedIndex, long lastUsedMillis, long firstUnackedSeq,
                       long[] replySeqs, KvResult[] replies) {
    }

    final int maxSessions;
    final long sessionTimeoutMillis;
    final int maxPendingRepliesPerSession;
    final long lastAppliedIndex;
    final long clockMillis;
    final long appliedWrites;
    final long duplicateWritesSuppressed;
    /** Ascending, as the TreeMap iterates; values[i] belongs to keys[i]. */
    final String[] keys;
    final byte[][] values;
    /** Ascending client id. */
    final List<SessionCopy> sessions;
    /** An independent copy, or null when the state machine has no write audit. */
    final WriteAudit audit;

    private KvStateCapture(KvStateMachine machine) {
        this.maxSessions = machine.maxSessions();
        this.sessionTimeoutMillis = machine.sessionTimeoutMillis();
        this.maxPendingRepliesPerSession = machine.maxPendingRepliesPerSession();
        this.lastAppliedIndex = machine.lastAppliedIndex();
        this.clockMillis = machine.clockMillis();
        this.appliedWrites = machine.appliedWrites();
        this.duplicateWritesSuppressed = machine.duplicateWritesSuppressed();
        int keyCount = machine.keyCount();
        this.keys = new String[keyCount];
        this.values = new byte[keyCount][];
        int i = 0;
        for (Map.Entry<String, byte[]> entry : machine.valuesByKey().entrySet()) {
            keys[i] = entry.getKey();
            values[i] = entry.getValue();
            i++;
        }
        List<SessionCopy> sessionCopies = new ArrayList<>(machine.sessionCount());
        for (ClientSession session : machine.sessions().inClientIdOrder()) sessionCopies.add(copyOf(session));
        this.sessions = Collections.unmodifiableList(sessionCopies);
        this.audit = machine.audit() == null ? null : machine.audit().copy();
    }

    static KvStateCapture of(KvStateMachine machine) {
        return new KvStateCapture(machine);
    }

    private static SessionCopy copyOf(ClientSession session) {
        int count = session.pendingReplyCount();
        long[] seqs = new long[count];
        KvResult[] replies = new KvResult[count];
        int i = 0;
        for (Map.Entry<Long, KvResult> reply : session.repliesInSeqOrder()) {
            seqs[i] = reply.getKey();
            replies[i] = reply.getValue();
            i++;
        }
        return new SessionCopy(session.clientId, session.registrationId, session.lastUsedIndex(), session.lastUsedMillis(),
                session.firstUnackedSeq(), seqs, replies);
    }

    /** The index of the last entry the captured state includes. */
    public long lastAppliedIndex() {
        return lastAppliedIndex;
    }

    public int keyCount() {
        return keys.length;
    }

    /**
     * The snapshot bytes of the captured state: exactly what {@link KvStateMachine#snapshot()} returned at the
     * capture's index. Safe on any thread, and more than once.
     */
    public byte[] serialize() {
        return KvSnapshotFormat.write(this);
    }

    /** {@link #serialize()}'s bytes written to {@code out} through a fixed buffer: memory bounded whatever the size. */
    public void serializeTo(java.io.OutputStream out) throws java.io.IOException {
        KvSnapshotFormat.write(this, out);
    }
}
