package io.kvbench.kv;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Big-endian writer for the command, result and snapshot formats: into a growing array ({@link #toByteArray}), or
 * through a fixed buffer into a stream ({@link #flush}), so that a snapshot of any size is written with bounded memory.
 */
final class WireWriter {
    /** Length prefix that marks a null byte array, distinct from an empty one. */
    static final int NULL_LENGTH = -1;

    private byte[] buffer;
    private int size;
    /** Null when writing into the array; else where a full buffer goes (and byte arrays larger than it, directly). */
    private final OutputStream sink;

    WireWriter(int initialCapacityBytes) {
        buffer = new byte[Math.max(16, initialCapacityBytes)];
        sink = null;
    }

    /** Writes through a buffer of {@code bufferBytes} into {@code sink}; I/O errors surface as UncheckedIOException. */
    WireWriter(OutputStream sink, int bufferBytes) {
        if (sink == null) throw new IllegalArgumentException("null sink");
        this.buffer = new byte[Math.max(64, bufferBytes)];
        this.sink = sink;
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
        if (sink != null && bytes.length > buffer.length - size) {
            flush();
            if (bytes.length > buffer.length) {
                write(bytes, bytes.length); // larger than the buffer: straight through, not copied
                return this;
            }
        }
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
        return this;
    }

    byte[] toByteArray() {
        if (sink != null) throw new IllegalStateException("a streaming writer has no array");
        return Arrays.copyOf(buffer, size);
    }

    /** Streaming writer: hands what is buffered to the sink (not flushing the sink itself). */
    void flush() {
        if (sink == null) throw new IllegalStateException("an array writer has no sink");
        write(buffer, size);
        size = 0;
    }

    private void write(byte[] bytes, int length) {
        try {
            sink.write(bytes, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensure(int extraBytes) {
        if (sink != null) {
            if (buffer.length - size < extraBytes) flush();
            return; // only primitives and arrays that fit come here
        }
        long needed = (long) size + extraBytes;
        if (needed > Integer.MAX_VALUE - 8) throw new IllegalStateException("encoding exceeds 2 GiB");
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * buffer.length)));
        }
    }
}
