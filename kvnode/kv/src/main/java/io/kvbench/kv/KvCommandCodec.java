package io.kvbench.kv;

import io.kvbench.kv.KvCommand.Cas;
import io.kvbench.kv.KvCommand.Delete;
import io.kvbench.kv.KvCommand.Get;
import io.kvbench.kv.KvCommand.KeepAlive;
import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvCommand.RegisterSession;

import java.nio.ByteBuffer;

/**
 * Binary form of a proposed command, as stored in a log entry. Big-endian:
 * <pre>
 *   version u8 | type u8 | leaderTimeMillis i64 | quotaBytes i64 | fields of the type
 * </pre>
 * The leader stamps {@code leaderTimeMillis} and {@code quotaBytes} ({@link #withLeaderStamp}); a client sends 0 in
 * both. Version 2 added {@code quotaBytes}; version 1 entries (in logs written before it) still decode, with no quota.
 * Strings are i32 length + UTF-8; byte arrays are i32 length + bytes, with length -1 for null (distinct
 * from empty). Key and value limits ({@link KvLimits}) are checked both ways: an encoder refuses with
 * IllegalArgumentException (a caller bug), a decoder with {@link MalformedCommandException}.
 */
public final class KvCommandCodec {
    public static final int VERSION = 2;
    /** The format before quotas: the same without {@code quotaBytes}. Decoded, never encoded. */
    static final int VERSION_WITHOUT_QUOTA = 1;

    static final int TYPE_REGISTER_SESSION = 1;
    static final int TYPE_PUT = 2;
    static final int TYPE_DELETE = 3;
    static final int TYPE_CAS = 4;
    static final int TYPE_GET = 5;
    static final int TYPE_KEEP_ALIVE = 6;
    /** RegisterSession with its registration id; TYPE_REGISTER_SESSION is one without (id 0), as before ids. */
    static final int TYPE_REGISTER_SESSION_WITH_ID = 7;
    /** Where leaderTimeMillis sits: after the version and type bytes; quotaBytes follows it. */
    private static final int LEADER_TIME_OFFSET = 2;
    private static final int QUOTA_OFFSET = LEADER_TIME_OFFSET + Long.BYTES;

    private KvCommandCodec() {}

    public static byte[] encode(KvCommand command, long leaderTimeMillis) {
        return encode(new ProposedCommand(leaderTimeMillis, command));
    }

    public static byte[] encode(ProposedCommand proposed) {
        KvCommand command = proposed.command();
        WireWriter out = new WireWriter(64);
        out.writeByte(VERSION).writeByte(typeOf(command)).writeLong(proposed.leaderTimeMillis())
                .writeLong(proposed.quotaBytes());
        if (command instanceof KvCommand.Write write) {
            out.writeLong(write.clientId()).writeLong(write.seq()).writeLong(write.firstUnackedSeq());
            out.writeBytes(KvLimits.keyBytes(write.key()));
        }
        if (command instanceof Put put) {
            byte[] value = put.value();
            KvLimits.checkValue(value, "value");
            out.writeBytes(value);
        } else if (command instanceof Cas cas) {
            byte[] expected = cas.expected();
            byte[] newValue = cas.newValue();
            KvLimits.checkValue(expected, "expected value");
            KvLimits.checkValue(newValue, "new value");
            out.writeNullableBytes(expected).writeNullableBytes(newValue);
        } else if (command instanceof Get get) {
            out.writeBytes(KvLimits.keyBytes(get.key()));
        } else if (command instanceof KeepAlive keepAlive) {
            out.writeLong(keepAlive.clientId());
        } else if (command instanceof RegisterSession register && register.registrationId() != 0) {
            out.writeLong(register.registrationId());
        }
        return out.toByteArray();
    }

    /**
     * A copy of {@code encoded} (a command {@link #decode} accepted) with the leader's time and quota in place of the
     * client's: the leader stamps a client's command without encoding it again. Decoding the copy gives the command
     * with {@code leaderTimeMillis} and {@code quotaBytes}.
     *
     * @throws IllegalArgumentException if either is negative or {@code encoded} is too short
     */
    public static byte[] withLeaderStamp(byte[] encoded, long leaderTimeMillis, long quotaBytes) {
        if (leaderTimeMillis < 0) throw new IllegalArgumentException("leaderTimeMillis is negative: " + leaderTimeMillis);
        if (quotaBytes < 0) throw new IllegalArgumentException("quotaBytes is negative: " + quotaBytes);
        if (encoded.length < QUOTA_OFFSET + Long.BYTES) {
            throw new IllegalArgumentException("a command of " + encoded.length + " bytes has no leader stamp fields");
        }
        byte[] stamped = encoded.clone();
        ByteBuffer.wrap(stamped).putLong(LEADER_TIME_OFFSET, leaderTimeMillis).putLong(QUOTA_OFFSET, quotaBytes);
        return stamped;
    }

    /** @throws MalformedCommandException saying what was wrong and at which offset */
    public static ProposedCommand decode(byte[] bytes) {
        if (bytes == null) throw new MalformedCommandException("command bytes are null");
        WireReader in = new WireReader(bytes, MalformedCommandException::new);
        int version = in.readUnsignedByte("version");
        if (version != VERSION && version != VERSION_WITHOUT_QUOTA) {
            throw new MalformedCommandException("unsupported command version " + version + ", expected " + VERSION);
        }
        int type = in.readUnsignedByte("type");
        if (type < TYPE_REGISTER_SESSION || type > TYPE_REGISTER_SESSION_WITH_ID) {
            // Named before anything else is read: the rest of the bytes mean nothing without a known type.
            throw new MalformedCommandException("unknown command type byte " + type + " at offset 1");
        }
        long leaderTimeMillis = in.readLong("leaderTimeMillis");
        if (leaderTimeMillis < 0) {
            throw new MalformedCommandException("leaderTimeMillis is negative: " + leaderTimeMillis);
        }
        long quotaBytes = version == VERSION_WITHOUT_QUOTA ? ProposedCommand.NO_QUOTA : in.readLong("quotaBytes");
        if (quotaBytes < 0) throw new MalformedCommandException("quotaBytes is negative: " + quotaBytes);
        KvCommand command;
        try {
            command = decodeBody(type, in);
        } catch (IllegalArgumentException e) {
            // A record's own rule (e.g. firstUnackedSeq <= seq) was broken by the bytes.
            throw new MalformedCommandException("invalid command of type " + type + ": " + e.getMessage());
        }
        in.requireFullyRead("command");
        return new ProposedCommand(leaderTimeMillis, quotaBytes, command);
    }

    private static KvCommand decodeBody(int type, WireReader in) {
        switch (type) {
            case TYPE_REGISTER_SESSION:
                return new RegisterSession();
            case TYPE_REGISTER_SESSION_WITH_ID: {
                long registrationId = in.readLong("registrationId");
                if (registrationId == 0) throw new IllegalArgumentException("registrationId 0 is sent without one");
                return new RegisterSession(registrationId);
            }
            case TYPE_PUT: {
                long clientId = in.readLong("clientId");
                long seq = in.readLong("seq");
                long firstUnackedSeq = in.readLong("firstUnackedSeq");
                String key = readKey(in);
                return new Put(clientId, seq, firstUnackedSeq, key, in.readBytes("value", KvLimits.MAX_VALUE_BYTES));
            }
            case TYPE_DELETE: {
                long clientId = in.readLong("clientId");
                long seq = in.readLong("seq");
                long firstUnackedSeq = in.readLong("firstUnackedSeq");
                return new Delete(clientId, seq, firstUnackedSeq, readKey(in));
            }
            case TYPE_CAS: {
                long clientId = in.readLong("clientId");
                long seq = in.readLong("seq");
                long firstUnackedSeq = in.readLong("firstUnackedSeq");
                String key = readKey(in);
                byte[] expected = in.readNullableBytes("expected value", KvLimits.MAX_VALUE_BYTES);
                byte[] newValue = in.readNullableBytes("new value", KvLimits.MAX_VALUE_BYTES);
                return new Cas(clientId, seq, firstUnackedSeq, key, expected, newValue);
            }
            case TYPE_GET:
                return new Get(readKey(in));
            case TYPE_KEEP_ALIVE:
                return new KeepAlive(in.readLong("clientId"));
            default:
                throw new IllegalStateException("type byte " + type + " passed the range check");
        }
    }

    private static String readKey(WireReader in) {
        return in.readString("key", KvLimits.MAX_KEY_BYTES);
    }

    private static int typeOf(KvCommand command) {
        if (command instanceof RegisterSession register) {
            return register.registrationId() == 0 ? TYPE_REGISTER_SESSION : TYPE_REGISTER_SESSION_WITH_ID;
        }
        if (command instanceof Put) return TYPE_PUT;
        if (command instanceof Delete) return TYPE_DELETE;
        if (command instanceof Cas) return TYPE_CAS;
        if (command instanceof Get) return TYPE_GET;
        if (command instanceof KeepAlive) return TYPE_KEEP_ALIVE;
        throw new IllegalStateException("no type byte for " + command);
    }
}
