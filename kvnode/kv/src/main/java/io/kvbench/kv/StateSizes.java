package io.kvbench.kv;

/**
 * What the state machine counts against its quota: the bytes of its keys, values and sessions' stored replies, plus
 * a fixed overhead per key, reply and session for the objects that hold them (estimates of a 64-bit JVM's compressed
 * layouts: a TreeMap entry 40 bytes, a String 24, an array header 16, a boxed long 16, a small record 16-24).
 * Computed from the state alone, never measured from the JVM, so every replica counts the same bytes and refuses
 * the same writes; changing a constant changes which writes are refused, like any change to the state machine.
 */
final class StateSizes {
    /** A key's TreeMap entry, its String and that String's array, and the value's array header. */
    static final int KEY_OVERHEAD_BYTES = 96;
    /** A stored reply's TreeMap entry, its boxed seq and the result record with its array header. */
    static final int REPLY_OVERHEAD_BYTES = 72;
    /** A session object, its map of replies and its entries in the session table's two maps with their boxed keys. */
    static final int SESSION_OVERHEAD_BYTES = 200;

    private StateSizes() {}

    /** A key and its value as the map holds them. */
    static long entryBytes(String key, byte[] value) {
        return KEY_OVERHEAD_BYTES + utf8Length(key) + value.length;
    }

    /** A reply as a session stores it. */
    static long replyBytes(KvResult reply) {
        return REPLY_OVERHEAD_BYTES + KvResult.valueBytes(reply);
    }

    /** The UTF-8 length of {@code text}, without encoding it (keys were checked to be valid Unicode on decode). */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) bytes += 1;
            else if (c < 0x800) bytes += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else bytes += 3;
        }
        return bytes;
    }
}
