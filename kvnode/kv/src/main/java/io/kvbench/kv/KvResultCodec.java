package io.kvbench.kv;

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

/**
 * Binary form of a result, sent to clients and kept in session snapshots. Big-endian:
 * {@code version u8 | type u8 | fields}, with the same string and byte-array rules as {@link KvCommandCodec}.
 * Decoding bad bytes throws IllegalArgumentException naming the problem and offset.
 */
public final class KvResultCodec {
    public static final int VERSION = 1;

    static final int TYPE_SESSION_REGISTERED = 1;
    static final int TYPE_WRITTEN = 2;
    static final int TYPE_CAS_RESULT = 3;
    static final int TYPE_VALUE = 4;
    static final int TYPE_SESSION_UNKNOWN = 5;
    static final int TYPE_SEQUENCE_TOO_OLD = 6;
    static final int TYPE_TOO_MANY_PENDING = 7;
    static final int TYPE_KEPT_ALIVE = 8;
    static final int TYPE_REJECTED = 9;
    static final int TYPE_QUOTA_EXCEEDED = 10;

    /** Largest encoded result: one value plus a small header. */
    static final int MAX_ENCODED_BYTES = KvLimits.MAX_VALUE_BYTES + KvLimits.MAX_REASON_BYTES + 64;

    private KvResultCodec() {}

    public static byte[] encode(KvResult result) {
        if (result == null) throw new IllegalArgumentException("result is null");
        WireWriter out = new WireWriter(32);
        out.writeByte(VERSION);
        if (result instanceof SessionRegistered r) {
            out.writeByte(TYPE_SESSION_REGISTERED).writeLong(r.clientId());
        } else if (result instanceof Written w) {
            out.writeByte(TYPE_WRITTEN).writeNullableBytes(checked(w.previousValue()));
        } else if (result instanceof CasResult c) {
            out.writeByte(TYPE_CAS_RESULT).writeBoolean(c.swapped()).writeNullableBytes(checked(c.currentValue()));
        } else if (result instanceof Value v) {
            out.writeByte(TYPE_VALUE).writeNullableBytes(checked(v.value()));
        } else if (result instanceof SessionUnknown u) {
            out.writeByte(TYPE_SESSION_UNKNOWN).writeLong(u.clientId());
        } else if (result instanceof SequenceTooOld t) {
            out.writeByte(TYPE_SEQUENCE_TOO_OLD).writeLong(t.clientId()).writeLong(t.seq()).writeLong(t.firstUnackedSeq());
        } else if (result instanceof TooManyPending p) {
            out.writeByte(TYPE_TOO_MANY_PENDING).writeLong(p.clientId()).writeLong(p.limit());
        } else if (result instanceof KeptAlive) {
            out.writeByte(TYPE_KEPT_ALIVE);
        } else if (result instanceof QuotaExceeded q) {
            out.writeByte(TYPE_QUOTA_EXCEEDED).writeLong(q.usedBytes()).writeLong(q.quotaBytes()).writeLong(q.neededBytes());
        } else if (result instanceof Rejected r) {
            byte[] reason = KvLimits.strictUtf8(r.reason(), "reason");
            if (reason.length > KvLimits.MAX_REASON_BYTES) {
                throw new IllegalArgumentException("reason is " + reason.length + " bytes, limit is " + KvLimits.MAX_REASON_BYTES);
            }
            out.writeByte(TYPE_REJECTED).writeBytes(reason);
        } else {
            throw new IllegalStateException("no type byte for " + result);
        }
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException saying what was wrong and at which offset */
    public static KvResult decode(byte[] bytes) {
        if (bytes == null) throw new IllegalArgumentException("malformed result: bytes are null");
        WireReader in = new WireReader(bytes, message -> new IllegalArgumentException("malformed result: " + message));
        int version = in.readUnsignedByte("version");
        if (version != VERSION) throw in.malformed("unsupported result version " + version + ", expected " + VERSION);
        int type = in.readUnsignedByte("type");
        KvResult result = decodeBody(type, in);
        in.requireFullyRead("result");
        return result;
    }

    private static KvResult decodeBody(int type, WireReader in) {
        switch (type) {
            case TYPE_SESSION_REGISTERED:
                return new SessionRegistered(in.readLong("clientId"));
            case TYPE_WRITTEN:
                return new Written(in.readNullableBytes("previous value", KvLimits.MAX_VALUE_BYTES));
            case TYPE_CAS_RESULT: {
                boolean swapped = in.readBoolean("swapped");
                return new CasResult(swapped, in.readNullableBytes("current value", KvLimits.MAX_VALUE_BYTES));
            }
            case TYPE_VALUE:
                return new Value(in.readNullableBytes("value", KvLimits.MAX_VALUE_BYTES));
            case TYPE_SESSION_UNKNOWN:
                return new SessionUnknown(in.readLong("clientId"));
            case TYPE_SEQUENCE_TOO_OLD:
                return new SequenceTooOld(in.readLong("clientId"), in.readLong("seq"), in.readLong("firstUnackedSeq"));
            case TYPE_TOO_MANY_PENDING:
                return new TooManyPending(in.readLong("clientId"), in.readLong("limit"));
            case TYPE_KEPT_ALIVE:
                return new KeptAlive();
            case TYPE_REJECTED:
                return new Rejected(in.readString("reason", KvLimits.MAX_REASON_BYTES));
            case TYPE_QUOTA_EXCEEDED:
                return new QuotaExceeded(in.readLong("usedBytes"), in.readLong("quotaBytes"), in.readLong("neededBytes"));
            default:
                throw in.malformed("unknown result type byte " + type + " at offset 1");
        }
    }

    private static byte[] checked(byte[] value) {
        KvLimits.checkValue(value, "value");
        return value;
    }
}
