package io.kvbench.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * A command carried by a committed log entry. Writes belong to a client session and carry (clientId, seq)
 * so a retry is answered from the session instead of being applied twice (§6.3). Byte arrays are copied in
 * and out, so a command cannot change after it is built.
 */
public sealed interface KvCommand {

    /**
     * Opens a session. Its client id is the log index of this entry: deterministic and unique. {@code registrationId}
     * makes it idempotent: a client draws it at random (never 0) and sends the same one on every retry, so a retry
     * whose first copy was applied (its reply lost) is answered with that session instead of opening a second one,
     * while the session lives. 0: no id, every applied copy opens a session (entries written before the id existed).
     */
    record RegisterSession(long registrationId) implements KvCommand {
        /** A registration without an id: not deduplicated (tests, and entries from before registration ids). */
        public RegisterSession() {
            this(0);
        }
    }

    /** A read through the log: linearizable because it is ordered with the writes (§6.4 offers cheaper reads). */
    record Get(String key) implements KvCommand {
        public Get {
            requireKey(key);
        }
    }

    /** Refreshes a session's last use so that an idle but live client is not expired (§6.3). */
    record KeepAlive(long clientId) implements KvCommand {
        public KeepAlive {
            requireClientId(clientId);
        }
    }

    /**
     * A write within a session. {@code firstUnackedSeq} is the lowest seq the client still awaits a reply
     * for; the session may discard replies below it (§6.3). Since {@code seq} itself awaits a reply,
     * {@code firstUnackedSeq <= seq}.
     */
    sealed interface Write extends KvCommand {
        long clientId();

        long seq();

        long firstUnackedSeq();

        String key();
    }

    record Put(long clientId, long seq, long firstUnackedSeq, String key, byte[] value) implements Write {
        public Put {
            requireWriteFields(clientId, seq, firstUnackedSeq, key);
            value = Bytes.copyNonNull(value, "value");
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** The value's length, without copying it. */
        public int valueBytes() {
            return value.length;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Put p && p.clientId == clientId && p.seq == seq
                    && p.firstUnackedSeq == firstUnackedSeq && p.key.equals(key) && Arrays.equals(p.value, value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(clientId, seq, firstUnackedSeq, key) * 31 + Bytes.hash(value);
        }

        @Override
        public String toString() {
            return "Put[clientId=" + clientId + ", seq=" + seq + ", firstUnackedSeq=" + firstUnackedSeq
                    + ", key=" + key + ", value=" + Bytes.describe(value) + "]";
        }
    }

    record Delete(long clientId, long seq, long firstUnackedSeq, String key) implements Write {
        public Delete {
            requireWriteFields(clientId, seq, firstUnackedSeq, key);
        }
    }

    /**
     * Compare-and-set. {@code expected == null} means the key must be absent; {@code newValue == null}
     * deletes the key when the comparison holds.
     */
    record Cas(long clientId, long seq, long firstUnackedSeq, String key, byte[] expected, byte[] newValue)
            implements Write {
        public Cas {
            requireWriteFields(clientId, seq, firstUnackedSeq, key);
            expected = Bytes.copyOrNull(expected);
            newValue = Bytes.copyOrNull(newValue);
        }

        @Override
        public byte[] expected() {
            return Bytes.copyOrNull(expected);
        }

        @Override
        public byte[] newValue() {
            return Bytes.copyOrNull(newValue);
        }

        /** Whether {@code current} (null: absent) is what this Cas expects, without copying either. */
        public boolean expects(byte[] current) {
            return expected == null ? current == null : current != null && Arrays.equals(current, expected);
        }

        /** The new value's length, -1 when the Cas deletes; without copying it. */
        public int newValueBytes() {
            return newValue == null ? -1 : newValue.length;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cas c && c.clientId == clientId && c.seq == seq
                    && c.firstUnackedSeq == firstUnackedSeq && c.key.equals(key)
                    && Arrays.equals(c.expected, expected) && Arrays.equals(c.newValue, newValue);
        }

        @Override
        public int hashCode() {
            return (Objects.hash(clientId, seq, firstUnackedSeq, key) * 31 + Bytes.hash(expected)) * 31
                    + Bytes.hash(newValue);
        }

        @Override
        public String toString() {
            return "Cas[clientId=" + clientId + ", seq=" + seq + ", firstUnackedSeq=" + firstUnackedSeq
                    + ", key=" + key + ", expected=" + Bytes.describe(expected)
                    + ", newValue=" + Bytes.describe(newValue) + "]";
        }
    }

    private static void requireKey(String key) {
        if (key == null) throw new IllegalArgumentException("key is null");
    }

    private static void requireClientId(long clientId) {
        // Client ids are log indices of RegisterSession entries, and log indices start at 1 (§5.3).
        if (clientId <= 0) throw new IllegalArgumentException("clientId must be positive: " + clientId);
    }

    private static void requireWriteFields(long clientId, long seq, long firstUnackedSeq, String key) {
        requireClientId(clientId);
        requireKey(key);
        if (seq <= 0) throw new IllegalArgumentException("seq must be positive: " + seq);
        if (firstUnackedSeq <= 0 || firstUnackedSeq > seq) {
            throw new IllegalArgumentException(
                    "firstUnackedSeq must be in [1, seq=" + seq + "] since seq itself awaits a reply: " + firstUnackedSeq);
        }
    }
}
