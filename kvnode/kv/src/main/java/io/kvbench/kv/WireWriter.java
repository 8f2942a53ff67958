package io.kvbench.kv;

import java.util.Arrays;

/** Big-endian writer for the command, result and snapshot formats. */
final class WireWriter {
    /** Length prefix that marks a null byte array, distinct from an empty one. */
    static final int NULL_LENGTH = -1;

    private byte[] buffer;
    private int size;

    WireWriter(int initialCapacityBytes) {
        buffer = new byte[Math.max(16, initialCapacityBytes)];
    }

    WireWriter writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    WireWriter writeBoolean(boolean value) {
        return writeByte(value ? 1 : 0);
    }

    WireWriter writeInt(int value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) buffer[size++] = (byte) (value >>> shift);
        return this;
    }

    WireWriter writeLong(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) buffer[size++] = (byte) (value >>> shift);
        return this;
    }

    /** Length-prefixed bytes; null is written as length -1. */
    WireWriter writeNullableBytes(byte[] bytes) {
        if (bytes == null) return writeInt(NULL_LENGTH);
        return writeBytes(bytes);
    }

    WireWriter writeBytes(byte[] bytes) {
        writeInt(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int extraBytes) {
        long needed = (long) size + extraBytes;
        if (needed > Integer.MAX_VALUE - 8) throw new IllegalStateException("encoding exceeds 2 GiB");
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * buffer.length)));
        }
    }
}
