package io.kvbench.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Zeros in segment files: written to preallocate a segment and to erase records after the end of the log;
 * looked for when recovery reads a segment, where an all-zero record header marks the end of the log.
 */
final class ZeroFill {
    static final int CHUNK_BYTES = 1 << 20;
    /** Never written to; each call writes from its own duplicate, so threads can share it. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CHUNK_BYTES).asReadOnlyBuffer();
    private static final byte[] ZERO_ARRAY = new byte[64 << 10];

    private ZeroFill() {
    }

    /** Writes zeros over {@code [fromBytes, toBytes)}, at most {@link #CHUNK_BYTES} per write call. */
    static void write(FileChannel channel, long fromBytes, long toBytes) throws IOException {
        ByteBuffer zeros = ZEROS.duplicate();
        long position = fromBytes;
        while (position < toBytes) {
            zeros.clear();
            zeros.limit((int) Math.min(CHUNK_BYTES, toBytes - position));
            AtomicFiles.writeFully(channel, zeros, position);
            position += zeros.limit();
        }
    }

    /** Offset of the first non-zero byte in {@code content[from, content.length)}, or -1 if all are zero. */
    static int firstNonZero(byte[] content, int from) {
        for (int position = from; position < content.length; position += ZERO_ARRAY.length) {
            int length = Math.min(ZERO_ARRAY.length, content.length - position);
            int mismatch = Arrays.mismatch(content, position, position + length, ZERO_ARRAY, 0, length);
            if (mismatch >= 0) return position + mismatch;
        }
        return -1;
    }

    /** One past the last non-zero byte of {@code content}, or {@code from} if none is at or after {@code from}. */
    static int endOfNonZero(byte[] content, int from) {
        int chunkEnd = content.length;
        while (chunkEnd > from) {
            int chunkStart = Math.max(from, chunkEnd - ZERO_ARRAY.length);
            if (Arrays.mismatch(content, chunkStart, chunkEnd, ZERO_ARRAY, 0, chunkEnd - chunkStart) >= 0) {
                int end = chunkEnd;
                while (content[end - 1] == 0) end--;
                return end;
            }
            chunkEnd = chunkStart;
        }
        return from;
    }
}
