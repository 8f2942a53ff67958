package io.kvbench.kv;

import java.util.Arrays;

/**
 * The reply to one applied entry. Every replica computes the same result for the same entry, so the
 * leader's reply and any replica's cached reply agree. Byte arrays are copied in and out.
 */
public sealed interface KvResult {

    /**
     * Bytes of value this result holds (a previous, current or read value), without copying it: a session keeps
     * its writes' results, and the state machine counts them against its quota.
     */
    static int valueBytes(KvResult result) {
        byte[] held = null;
        if (result instanceof Written w) held = w.previousValue;
        else if (result instanceof CasResult c) held = c.currentValue;
        else if (result instanceof Value v) held = v.value;
        else if (result instanceof Rejected r) return r.reason.length();
        return held == null ? 0 : held.length;
    }

    record SessionRegistered(long clientId) implements KvResult {}

    /** Reply to Put and Delete: the value the key held before the write, null if it was absent. */
    record Written(byte[] previousValue) implements KvResult {
        public Written {
            previousValue = Bytes.copyOrNull(previousValue);
        }

        @Override
        public byte[] previousValue() {
            return Bytes.copyOrNull(previousValue);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Written w && Arrays.equals(w.previousValue, previousValue);
        }

        @Override
        public int hashCode() {
            return Bytes.hash(previousValue);
        }

        @Override
        public String toString() {
            return "Written[previousValue=" + Bytes.describe(previousValue) + "]";
        }
    }

    /**
     * Reply to Cas. {@code currentValue} is what the key holds after the command (null if absent): the new
     * value when swapped, otherwise the value that defeated the comparison, so the client can retry.
     */
    record CasResult(boolean swapped, byte[] currentValue) implements KvResult {
        public CasResult {
            currentValue = Bytes.copyOrNull(currentValue);
        }

        @Override
        public byte[] currentValue() {
            return Bytes.copyOrNull(currentValue);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof CasResult c && c.swapped == swapped && Arrays.equals(c.currentValue, currentValue);
        }

        @Override
        public int hashCode() {
            return Boolean.hashCode(swapped) * 31 + Bytes.hash(currentValue);
        }

        @Override
        public String toString() {
            return "CasResult[swapped=" + swapped + ", currentValue=" + Bytes.describe(currentValue) + "]";
        }
    }

    /** Reply to Get: the value, null if the key is absent. */
    record Value(byte[] value) implements KvResult {
        public Value {
            value = Bytes.copyOrNull(value);
        }

        @Override
        public byte[] value() {
            return Bytes.copyOrNull(value);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Value v && Arrays.equals(v.value, value);
        }

        @Override
        public int hashCode() {
            return Bytes.hash(value);
        }

        @Override
        public String toString() {
            return "Value[value=" + Bytes.describe(value) + "]";
        }
    }

    /** The session was never registered, or expired, or was evicted: the client must register again. */
    record SessionUnknown(long clientId) implements KvResult {}

    /**
     * The seq is below the session's watermark, so its reply was discarded (§6.3): the client had already
     * said it no longer awaits it. Not applied.
     */
    record SequenceTooOld(long clientId, long seq, long firstUnackedSeq) implements KvResult {}

    /** The session already holds {@code limit} unacknowledged replies; the write was not applied. */
    record TooManyPending(long clientId, long limit) implements KvResult {}

    record KeptAlive() implements KvResult {}

    /**
     * The write was refused, not applied: it would have taken the replicated state from {@code usedBytes} to more
     * than {@code quotaBytes} (by {@code neededBytes}). Decided by the state machine when it applies the entry, against
     * the quota the leader stamped on it, so every replica refuses it alike, and a retry gets this same answer from
     * the session (§6.3). Deletes are never refused; they free space (see docs/limits.md).
     */
    record QuotaExceeded(long usedBytes, long quotaBytes, long neededBytes) implements KvResult {}

    /** The entry could not be decoded. Every replica rejects it the same way, so they stay in agreement. */
    record Rejected(String reason) implements KvResult {
        public Rejected {
            if (reason == null) throw new IllegalArgumentException("reason is null");
        }
    }
}
