package io.kvbench.kv;

import java.util.Arrays;

/** Null-safe helpers for the byte arrays inside records, which are copied in and out to stay immutable. */
final class Bytes {
    private static final int DESCRIBE_LIMIT_BYTES = 16;

    private Bytes() {}

    static byte[] copyOrNull(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }

    static byte[] copyNonNull(byte[] bytes, String name) {
        if (bytes == null) throw new IllegalArgumentException(name + " is null");
        return bytes.clone();
    }

    /** Short, readable form for toString: length and the first bytes in hex. */
    static String describe(byte[] bytes) {
        if (bytes == null) return "null";
        StringBuilder text = new StringBuilder("[").append(bytes.length).append("B");
        if (bytes.length > 0) text.append(' ');
        for (int i = 0; i < Math.min(bytes.length, DESCRIBE_LIMIT_BYTES); i++) {
            text.append(Character.forDigit((bytes[i] >> 4) & 0xF, 16)).append(Character.forDigit(bytes[i] & 0xF, 16));
        }
        if (bytes.length > DESCRIBE_LIMIT_BYTES) text.append("..");
        return text.append(']').toString();
    }

    static int hash(byte[] bytes) {
        return Arrays.hashCode(bytes);
    }
}
