package io.kvbench.kv;

import io.kvbench.kv.KvCommand.Cas;
import io.kvbench.kv.KvCommand.Delete;
import io.kvbench.kv.KvCommand.Get;
import io.kvbench.kv.KvCommand.KeepAlive;
import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvCommand.RegisterSession;
import io.kvbench.kv.KvCommand.Write;
import io.kvbench.kv.KvResult.CasResult;
import io.kvbench.kv.KvResult.KeptAlive;
import io.kvbench.kv.KvResult.QuotaExceeded;
import io.kvbench.kv.KvResult.Rejected;
import io.kvbench.kv.KvResult.SequenceTooOld;
import io.kvbench.kv.KvResult.SessionRegistered;
import io.kvbench.kv.KvResult.SessionUnknown;
import io.kvbench.kv.KvResult.TooManyPending;
import io.kvbench.kv.KvResult.Value;
import io.kvbench.kv.KvResult.Written;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated key-value state machine with client sessions (Raft dissertation §6.3). The consensus core
 * hands it committed entries in log order; the same entries give the same state and the same replies on
 * every replica. Time comes only from the leader timestamps inside entries; iteration is in sorted order.
 * Single-threaded: the caller serializes {@link #apply}, {@link #read}, {@link #snapshot} and {@link #capture};
 * only a capture's own serialization may run on another thread.
 * <p>
 * Bounded in bytes (etcd's {@code --quota-backend-bytes}): it counts what it holds ({@link #sizeBytes()}, by
 * {@link StateSizes}) and refuses, with {@link QuotaExceeded}, a write that would take it over the quota the leader
 * stamped on the entry. The refusal is taken here, when the committed entry is applied, not by the leader before it
 * proposes: every replica applies the same entries to the same state with the same stamped quota, so every replica
 * refuses the same writes and keeps the same state, and the refusal is stored in the session like any reply, so a
 * retry of the write gets it again instead of being applied later (an answer "not applied" that a later retry could
 * contradict would not be honest). A leader's own check before proposing could not promise either: it sees neither
 * the entries ahead of it in the log nor what an earlier attempt of the same write became.
 */
public final class KvStateMachine {
    private final int maxSessions;
    private final long sessionTimeoutMillis;
    private final int maxPendingRepliesPerSession;

    private final TreeMap<String, byte[]> valuesByKey = new TreeMap<>();
    private final SessionTable sessions;
    private final WriteAudit audit; // null unless built withWriteAudit

    private long lastAppliedIndex;
    /** The log's clock: the largest leader time seen so far, so it never goes backward (§6.3). */
    private long clockMillis;
    private long appliedWrites;
    private long duplicateWritesSuppressed;
    /** {@link StateSizes#entryBytes} summed over the keys; the sessions count their own ({@link SessionTable#bytes()}). */
    private long dataBytes;
    /** Writes this replica refused for the quota since it started or restored (not part of the replicated state). */
    private long quotaRefusals;

    public KvStateMachine(int maxSessions, long sessionTimeoutMillis, int maxPendingRepliesPerSession) {
        this(maxSessions, sessionTimeoutMillis, maxPendingRepliesPerSession, null);
    }

    private KvStateMachine(int maxSessions, long sessionTimeoutMillis, int maxPendingRepliesPerSession, WriteAudit audit) {
        if (sessionTimeoutMillis <= 0) {
            throw new IllegalArgumentException("sessionTimeoutMillis must be positive: " + sessionTimeoutMillis);
        }
        if (maxPendingRepliesPerSession <= 0) {
            throw new IllegalArgumentException("maxPendingRepliesPerSession must be positive: " + maxPendingRepliesPerSession);
        }
        this.maxSessions = maxSessions;
        this.sessionTimeoutMillis = sessionTimeoutMillis;
        this.maxPendingRepliesPerSession = maxPendingRepliesPerSession;
        this.sessions = new SessionTable(maxSessions);
        this.audit = audit;
    }

    /**
     * A state machine that also counts applications of every (clientId, seq), for tests and the simulator
     * ({@link #timesApplied}). Unbounded memory; not for production.
     */
    public static KvStateMachine withWriteAudit(int maxSessions, long sessionTimeoutMillis, int maxPendingRepliesPerSession) {
        return new KvStateMachine(maxSessions, sessionTimeoutMillis, maxPendingRepliesPerSession, new WriteAudit());
    }

    /**
     * Applies the committed entry at {@code index}. A malformed entry is answered with {@link Rejected} and
     * changes nothing but the last applied index: it is committed, so every replica must skip it alike.
     *
     * @throws IllegalStateException if {@code index} does not exceed the last applied index (a caller bug)
     */
    public KvResult apply(long index, byte[] entryData) {
        ProposedCommand proposed;
        try {
            proposed = KvCommandCodec.decode(entryData);
        } catch (MalformedCommandException e) {
            advanceIndex(index);
            return new Rejected(e.getMessage());
        }
        return apply(index, proposed);
    }

    /**
     * Applies the committed entry at {@code index} from its decoded form: what {@link #apply(long, byte[])} does
     * with the entry's bytes, for a leader that still holds the command it decoded when the client sent it.
     *
     * @throws IllegalStateException if {@code index} does not exceed the last applied index (a caller bug)
     */
    public KvResult apply(long index, ProposedCommand proposed) {
        advanceIndex(index);
        clockMillis = Math.max(clockMillis, proposed.leaderTimeMillis());
        sessions.expireIdle(clockMillis, sessionTimeoutMillis);
        return execute(index, proposed.command(), proposed.quotaBytes());
    }

    /**
     * Marks an entry that carries no command (a new leader's no-op, §5.4.2) as applied, so that a ReadIndex
     * read waiting for that index (§6.4) can proceed.
     */
    public void applyNoop(long index) {
        advanceIndex(index);
    }

    /** The current value for a ReadIndex read (§6.4); the caller waits until lastAppliedIndex >= readIndex. */
    public Optional<byte[]> read(String key) {
        if (key == null) throw new IllegalArgumentException("key is null");
        return Optional.ofNullable(valuesByKey.get(key)).map(byte[]::clone);
    }

    public long lastAppliedIndex() {
        return lastAppliedIndex;
    }

    /** The log's clock: the largest leader timestamp applied so far. */
    public long clockMillis() {
        return clockMillis;
    }

    public int sessionCount() {
        return sessions.size();
    }

    public int keyCount() {
        return valuesByKey.size();
    }

    /**
     * What the state holds, as counted against the quota: keys and values, sessions and their stored replies, each
     * with a fixed overhead ({@link StateSizes}). The same on every replica at the same applied index.
     */
    public long sizeBytes() {
        return dataBytes + sessions.bytes();
    }

    /** Writes refused with {@link QuotaExceeded} by this replica since it started or last restored a snapshot. */
    public long quotaRefusals() {
        return quotaRefusals;
    }

    /** Writes executed against the data (each (clientId, seq) at most once). */
    public long appliedWrites() {
        return appliedWrites;
    }

    /** Retries answered from a session's stored reply instead of being applied again. */
    public long duplicateWritesSuppressed() {
        return duplicateWritesSuppressed;
    }

    /**
     * How many times the write (clientId, seq) was applied, across snapshots too. Exactly-once means 0 or 1.
     *
     * @throws IllegalStateException unless built with {@link #withWriteAudit}
     */
    public long timesApplied(long clientId, long seq) {
        if (audit == null) throw new IllegalStateException("write audit is off; build with KvStateMachine.withWriteAudit");
        return audit.timesApplied(clientId, seq);
    }

    /**
     * The write audit's totals, for a harness to check exactly-once from the node's side: distinct writes applied
     * and applications beyond the first (zero when no retry was applied twice). Empty unless built
     * {@link #withWriteAudit} (or restored from a snapshot of such a state machine).
     */
    public java.util.Optional<WriteAuditTotals> writeAuditTotals() {
        if (audit == null) return java.util.Optional.empty();
        return java.util.Optional.of(new WriteAuditTotals(audit.distinctWrites(), audit.repeatApplications()));
    }

    /** The whole state, byte-identical for identical states (sorted iteration everywhere). */
    public byte[] snapshot() {
        return capture().serialize();
    }

    /** {@link #snapshot()}'s bytes, written to {@code out} with bounded memory instead of returned. */
    public void snapshotTo(OutputStream out) throws IOException {
        capture().serializeTo(out);
    }

    /**
     * The state at {@link #lastAppliedIndex()}, copied cheaply (references, no encoding) so that it can be
     * serialized on another thread while this state machine goes on applying; its {@link KvStateCapture#serialize()}
     * gives the bytes {@link #snapshot()} would have given now.
     */
    public KvStateCapture capture() {
        return KvStateCapture.of(this);
    }

    /**
     * Rebuilds a state machine from {@link #snapshot()}. The limits come from the snapshot, so a replica
     * cannot restore with limits that differ from the replicas that wrote it.
     *
     * @throws IllegalArgumentException if the snapshot is malformed or breaks an invariant
     */
    public static KvStateMachine restore(byte[] snapshot) {
        return KvSnapshotFormat.read(snapshot);
    }

    /**
     * {@link #restore(byte[])} from a stream that holds exactly the snapshot's bytes, read with bounded memory (a
     * snapshot is as large as the state).
     *
     * @throws IllegalArgumentException if the snapshot is malformed or breaks an invariant
     * @throws IOException if reading the stream failed
     */
    public static KvStateMachine restore(InputStream snapshot) throws IOException {
        return KvSnapshotFormat.read(snapshot);
    }

    private void advanceIndex(long index) {
        if (index <= lastAppliedIndex) {
            throw new IllegalStateException("entry index " + index + " does not follow last applied index " + lastAppliedIndex);
        }
        lastAppliedIndex = index;
    }

    private KvResult execute(long index, KvCommand command, long quotaBytes) {
        if (command instanceof Write write) return applyWrite(index, write, quotaBytes);
        if (command instanceof RegisterSession register) {
            // §6.3: the client id is the index of the registering entry, the same on every replica; a retried
            // registration whose session lives gets that session's id.
            return new SessionRegistered(sessions.register(index, clockMillis, register.registrationId()).clientId);
        }
        if (command instanceof Get get) return new Value(valuesByKey.get(get.key()));
        if (command instanceof KeepAlive keepAlive) {
            ClientSession session = sessions.find(keepAlive.clientId());
            if (session == null) return new SessionUnknown(keepAlive.clientId());
            sessions.touch(session, index, clockMillis);
            return new KeptAlive();
        }
        throw new IllegalStateException("unhandled command " + command);
    }

    /** §6.3: apply each (clientId, seq) at most once; a retry gets the reply stored the first time. */
    private KvResult applyWrite(long index, Write write, long quotaBytes) {
        ClientSession session = sessions.find(write.clientId());
        if (session == null) return new SessionUnknown(write.clientId());
        sessions.touch(session, index, clockMillis);
        long sessionBytesBefore = session.sizeBytes();
        session.acknowledgeBelow(write.firstUnackedSeq()); // replies the client has: their bytes are freed first
        sessions.resized(session, sessionBytesBefore);
        if (write.seq() < session.firstUnackedSeq()) {
            // The client said it no longer awaits this seq, so its reply is gone and it must not run again.
            return new SequenceTooOld(write.clientId(), write.seq(), session.firstUnackedSeq());
        }
        KvResult storedReply = session.cachedReply(write.seq());
        if (storedReply != null) {
            duplicateWritesSuppressed++;
            return storedReply;
        }
        if (session.pendingReplyCount() >= maxPendingRepliesPerSession) {
            return new TooManyPending(write.clientId(), maxPendingRepliesPerSession);
        }
        long growthBytes = growthBytes(write);
        if (quotaBytes != ProposedCommand.NO_QUOTA && !(write instanceof Delete) && growthBytes > 0
                && sizeBytes() + growthBytes > quotaBytes) {
            // Refused, and stored like any reply: a retry of this (client, seq) is answered the same (§6.3).
            KvResult refusal = new QuotaExceeded(sizeBytes(), quotaBytes, growthBytes);
            cacheReply(session, write.seq(), refusal);
            quotaRefusals++;
            return refusal;
        }
        KvResult reply = executeWrite(write);
        cacheReply(session, write.seq(), reply);
        appliedWrites++;
        if (audit != null) audit.recordApplied(write.clientId(), write.seq());
        return reply;
    }

    private void cacheReply(ClientSession session, long seq, KvResult reply) {
        long before = session.sizeBytes();
        session.cacheReply(seq, reply);
        sessions.resized(session, before);
    }

    /**
     * How many bytes {@code write} would add to {@link #sizeBytes()}: its change to the data plus the reply its session
     * would store (a Put's reply holds the value it replaced, a Cas's the current value). Negative when it frees space.
     */
    private long growthBytes(Write write) {
        byte[] current = valuesByKey.get(write.key());
        long currentBytes = current == null ? 0 : StateSizes.entryBytes(write.key(), current);
        long replyOverhead = StateSizes.REPLY_OVERHEAD_BYTES;
        long currentValueBytes = current == null ? 0 : current.length;
        if (write instanceof Put put) {
            long newBytes = StateSizes.KEY_OVERHEAD_BYTES + StateSizes.utf8Length(put.key()) + put.valueBytes();
            return newBytes - currentBytes + replyOverhead + currentValueBytes;
        }
        if (write instanceof Delete) return -currentBytes + replyOverhead + currentValueBytes;
        Cas cas = (Cas) write;
        if (!cas.expects(current)) return replyOverhead + currentValueBytes;
        int newValueBytes = cas.newValueBytes();
        if (newValueBytes < 0) return -currentBytes + replyOverhead;
        long newBytes = StateSizes.KEY_OVERHEAD_BYTES + StateSizes.utf8Length(cas.key()) + newValueBytes;
        return newBytes - currentBytes + replyOverhead + newValueBytes;
    }

    private KvResult executeWrite(Write write) {
        if (write instanceof Put put) return new Written(store(put.key(), put.value()));
        if (write instanceof Delete delete) return new Written(remove(delete.key()));
        if (write instanceof Cas cas) return compareAndSet(cas);
        throw new IllegalStateException("unhandled write " + write);
    }

    /** Puts and keeps {@link #dataBytes} current; returns the value replaced, or null. */
    private byte[] store(String key, byte[] value) {
        byte[] previous = valuesByKey.put(key, value);
        dataBytes += StateSizes.entryBytes(key, value) - (previous == null ? 0 : StateSizes.entryBytes(key, previous));
        return previous;
    }

    private byte[] remove(String key) {
        byte[] previous = valuesByKey.remove(key);
        if (previous != null) dataBytes -= StateSizes.entryBytes(key, previous);
        return previous;
    }

    private KvResult compareAndSet(Cas cas) {
        byte[] current = valuesByKey.get(cas.key());
        byte[] expected = cas.expected();
        boolean matches = expected == null ? current == null : current != null && Arrays.equals(current, expected);
        if (!matches) return new CasResult(false, current);
        byte[] newValue = cas.newValue();
        if (newValue == null) {
            remove(cas.key());
        } else {
            store(cas.key(), newValue);
        }
        return new CasResult(true, newValue);
    }

    // Package-private views for KvSnapshotFormat, which keeps the byte layout out of this class.

    int maxSessions() {
        return maxSessions;
    }

    long sessionTimeoutMillis() {
        return sessionTimeoutMillis;
    }

    int maxPendingRepliesPerSession() {
        return maxPendingRepliesPerSession;
    }

    TreeMap<String, byte[]> valuesByKey() {
        return valuesByKey;
    }

    /** For restoring a snapshot: a key and its value, counted. */
    void restoreValue(String key, byte[] value) {
        store(key, value);
    }

    SessionTable sessions() {
        return sessions;
    }

    WriteAudit audit() {
        return audit;
    }

    static KvStateMachine empty(int maxSessions, long sessionTimeoutMillis, int maxPendingRepliesPerSession, WriteAudit audit) {
        return new KvStateMachine(maxSessions, sessionTimeoutMillis, maxPendingRepliesPerSession, audit);
    }

    void restoreProgress(long lastAppliedIndex, long clockMillis, long appliedWrites, long duplicateWritesSuppressed) {
        if (lastAppliedIndex < 0 || clockMillis < 0 || appliedWrites < 0 || duplicateWritesSuppressed < 0) {
            throw new IllegalArgumentException("negative progress in snapshot: index " + lastAppliedIndex + ", clock "
                    + clockMillis + ", writes " + appliedWrites + ", duplicates " + duplicateWritesSuppressed);
        }
        this.lastAppliedIndex = lastAppliedIndex;
        this.clockMillis = clockMillis;
        this.appliedWrites = appliedWrites;
        this.duplicateWritesSuppressed = duplicateWritesSuppressed;
    }
}
