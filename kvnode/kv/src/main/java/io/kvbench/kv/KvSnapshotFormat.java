package io.kvbench.kv;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Byte layout of a {@link KvStateMachine} snapshot. Big-endian, every collection in sorted order so that
 * equal states give equal bytes:
 * <pre>
 *   version u8
 *   maxSessions i32 | sessionTimeoutMillis i64 | maxPendingRepliesPerSession i32 | auditPresent u8
 *   lastAppliedIndex i64 | clockMillis i64 | appliedWrites i64 | duplicateWritesSuppressed i64
 *   keyCount i32, then per key (ascending): key string | value bytes
 *   sessionCount i32, then per session (ascending client id):
 *     clientId i64 | registrationId i64 (0: none; absent in version 1) | lastUsedIndex i64 | lastUsedMillis i64
 *     | firstUnackedSeq i64
 *     replyCount i32, then per reply (ascending seq): seq i64 | encoded KvResult bytes
 *   if auditPresent: the write audit (see WriteAudit)
 * </pre>
 * Reading checks every invariant the state machine relies on, since a bad snapshot would otherwise make
 * this replica diverge silently. Both ways work on an array or on a stream through a fixed buffer: a snapshot is as
 * large as the state (hundreds of megabytes), and is never held whole in memory by a node.
 */
final class KvSnapshotFormat {
    /** Version 2 added each session's registrationId; version 1 snapshots are read with none (0). */
    static final int VERSION = 2;
    private static final int VERSION_WITHOUT_REGISTRATION_IDS = 1;
    private static final String PREFIX = "malformed snapshot: ";
    private static final int STREAM_BUFFER_BYTES = 64 * 1024;

    private KvSnapshotFormat() {}

    static byte[] write(KvStateCapture state) {
        WireWriter out = new WireWriter(1024);
        writeTo(state, out);
        return out.toByteArray();
    }

    static void write(KvStateCapture state, OutputStream sink) throws IOException {
        WireWriter out = new WireWriter(sink, STREAM_BUFFER_BYTES);
        try {
            writeTo(state, out);
            out.flush();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void writeTo(KvStateCapture state, WireWriter out) {
        out.writeByte(VERSION);
        out.writeInt(state.maxSessions).writeLong(state.sessionTimeoutMillis).writeInt(state.maxPendingRepliesPerSession);
        out.writeBoolean(state.audit != null);
        out.writeLong(state.lastAppliedIndex).writeLong(state.clockMillis);
        out.writeLong(state.appliedWrites).writeLong(state.duplicateWritesSuppressed);
        out.writeInt(state.keys.length);
        for (int i = 0; i < state.keys.length; i++) {
            out.writeBytes(KvLimits.keyBytes(state.keys[i])).writeBytes(state.values[i]);
        }
        out.writeInt(state.sessions.size());
        for (KvStateCapture.SessionCopy session : state.sessions) {
            out.writeLong(session.clientId()).writeLong(session.registrationId());
            out.writeLong(session.lastUsedIndex()).writeLong(session.lastUsedMillis());
            out.writeLong(session.firstUnackedSeq()).writeInt(session.replies().length);
            for (int i = 0; i < session.replies().length; i++) {
                out.writeLong(session.replySeqs()[i]).writeBytes(KvResultCodec.encode(session.replies()[i]));
            }
        }
        if (state.audit != null) state.audit.writeTo(out);
    }

    static KvStateMachine read(byte[] snapshot) {
        if (snapshot == null) throw new IllegalArgumentException(PREFIX + "bytes are null");
        return read(new WireReader(snapshot, message -> new IllegalArgumentException(PREFIX + message)));
    }

    static KvStateMachine read(InputStream snapshot) throws IOException {
        if (snapshot == null) throw new IllegalArgumentException(PREFIX + "stream is null");
        try {
            return read(new WireReader(snapshot, message -> new IllegalArgumentException(PREFIX + message)));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static KvStateMachine read(WireReader in) {
        try {
            return readAll(in);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(PREFIX + e.getMessage(), e);
        }
    }

    private static KvStateMachine readAll(WireReader in) {
        int version = in.readUnsignedByte("version");
        if (version != VERSION && version != VERSION_WITHOUT_REGISTRATION_IDS) {
            throw in.malformed("unsupported snapshot version " + version + ", expected " + VERSION);
        }
        int maxSessions = in.readInt("maxSessions");
        long sessionTimeoutMillis = in.readLong("sessionTimeoutMillis");
        int maxPendingRepliesPerSession = in.readInt("maxPendingRepliesPerSession");
        if (maxSessions <= 0 || sessionTimeoutMillis <= 0 || maxPendingRepliesPerSession <= 0) {
            throw in.malformed("limits must be positive: maxSessions " + maxSessions + ", sessionTimeoutMillis "
                    + sessionTimeoutMillis + ", maxPendingRepliesPerSession " + maxPendingRepliesPerSession);
        }
        boolean auditPresent = in.readBoolean("auditPresent");
        long lastAppliedIndex = in.readLong("lastAppliedIndex");
        long clockMillis = in.readLong("clockMillis");
        long appliedWrites = in.readLong("appliedWrites");
        long duplicateWritesSuppressed = in.readLong("duplicateWritesSuppressed");
        WriteAudit audit = auditPresent ? new WriteAudit() : null;
        KvStateMachine machine = KvStateMachine.empty(maxSessions, sessionTimeoutMillis, maxPendingRepliesPerSession, audit);
        machine.restoreProgress(lastAppliedIndex, clockMillis, appliedWrites, duplicateWritesSuppressed);
        readValues(in, machine);
        readSessions(in, machine, version != VERSION_WITHOUT_REGISTRATION_IDS);
        if (audit != null) audit.readFrom(in);
        in.requireFullyRead("snapshot");
        return machine;
    }

    private static void readValues(WireReader in, KvStateMachine machine) {
        int keyCount = in.readInt("keyCount");
        if (keyCount < 0) throw in.malformed("keyCount is negative: " + keyCount);
        String previousKey = null;
        for (int i = 0; i < keyCount; i++) {
            String key = in.readString("key", KvLimits.MAX_KEY_BYTES);
            if (previousKey != null && previousKey.compareTo(key) >= 0) {
                throw in.malformed("keys out of order at offset " + in.offset() + ": " + key + " after " + previousKey);
            }
            machine.restoreValue(key, in.readBytes("value", KvLimits.MAX_VALUE_BYTES));
            previousKey = key;
        }
    }

    private static void readSessions(WireReader in, KvStateMachine machine, boolean registrationIds) {
        int sessionCount = in.readInt("sessionCount");
        if (sessionCount < 0 || sessionCount > machine.maxSessions()) {
            throw in.malformed("sessionCount " + sessionCount + " outside [0, maxSessions=" + machine.maxSessions() + "]");
        }
        long previousClientId = 0;
        for (int i = 0; i < sessionCount; i++) {
            ClientSession session = readSession(in, machine, registrationIds);
            if (session.clientId <= previousClientId) {
                throw in.malformed("sessions out of order: client " + session.clientId + " after " + previousClientId);
            }
            machine.sessions().add(session);
            previousClientId = session.clientId;
        }
        machine.sessions().requireRecencyMatchesTime();
    }

    private static ClientSession readSession(WireReader in, KvStateMachine machine, boolean registrationIds) {
        long clientId = in.readLong("clientId");
        long registrationId = registrationIds ? in.readLong("registrationId") : 0;
        long lastUsedIndex = in.readLong("lastUsedIndex");
        long lastUsedMillis = in.readLong("lastUsedMillis");
        long firstUnackedSeq = in.readLong("firstUnackedSeq");
        // A session is registered at index clientId and used at or after it, all within the applied log.
        if (clientId <= 0 || lastUsedIndex < clientId || lastUsedIndex > machine.lastAppliedIndex()) {
            throw in.malformed("session " + clientId + " last used at index " + lastUsedIndex
                    + ", outside [clientId, lastAppliedIndex=" + machine.lastAppliedIndex() + "]");
        }
        if (lastUsedMillis < 0 || lastUsedMillis > machine.clockMillis() || firstUnackedSeq < 1) {
            throw in.malformed("session " + clientId + " has lastUsedMillis " + lastUsedMillis + " (clock "
                    + machine.clockMillis() + ") and firstUnackedSeq " + firstUnackedSeq);
        }
        ClientSession session = new ClientSession(clientId, registrationId, lastUsedIndex, lastUsedMillis);
        session.restoreWatermark(firstUnackedSeq);
        int replyCount = in.readInt("replyCount");
        if (replyCount < 0 || replyCount > machine.maxPendingRepliesPerSession()) {
            throw in.malformed("session " + clientId + " has " + replyCount + " replies, limit is "
                    + machine.maxPendingRepliesPerSession());
        }
        long previousSeq = firstUnackedSeq - 1;
        for (int i = 0; i < replyCount; i++) {
            long seq = in.readLong("reply seq");
            if (seq <= previousSeq) {
                throw in.malformed("session " + clientId + " reply seq " + seq + " not above " + previousSeq);
            }
            session.cacheReply(seq, readReply(in, clientId, seq));
            previousSeq = seq;
        }
        return session;
    }

    private static KvResult readReply(WireReader in, long clientId, long seq) {
        byte[] encoded = in.readBytes("reply", KvResultCodec.MAX_ENCODED_BYTES);
        try {
            return KvResultCodec.decode(encoded);
        } catch (IllegalArgumentException e) {
            throw in.malformed("session " + clientId + " reply of seq " + seq + ": " + e.getMessage());
        }
    }
}
