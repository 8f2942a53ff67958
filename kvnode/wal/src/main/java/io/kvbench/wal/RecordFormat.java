package io.kvbench.wal;

import io.kvbench.raft.Entry;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A segment record is {@code [u32 payload length][u32 CRC32C of payload][payload]}, big-endian. The payload
 * starts with a record type byte; an entry payload is {@code [type][u64 index][u64 term][u8 entry type
 * code][data]}. Only entries live in segments: hard state and snapshots have files of their own.
 */
final class RecordFormat {
    static final int HEADER_BYTES = 8;
    static final byte ENTRY_RECORD = 1;
    static final int ENTRY_FIXED_BYTES = 1 + 8 + 8 + 1;
    static final int TERM_OFFSET_IN_PAYLOAD = 1 + 8;
    /** Bounds what a length field may claim, so garbage cannot make recovery allocate or skip gigabytes. */
    static final int MAX_PAYLOAD_BYTES = 256 << 20;
    static final int MAX_ENTRY_DATA_BYTES = MAX_PAYLOAD_BYTES - ENTRY_FIXED_BYTES;

    private RecordFormat() {
    }

    static int frameBytes(Entry entry) {
        return HEADER_BYTES + ENTRY_FIXED_BYTES + entry.data().length;
    }

    /** Appends the framed record at {@code out}'s position; {@code out} must be a heap buffer with room. */
    static void encodeEntry(Entry entry, ByteBuffer out) {
        int frameStart = out.position();
        int payloadStart = frameStart + HEADER_BYTES;
        out.position(payloadStart);
        out.put(ENTRY_RECORD).putLong(entry.index()).putLong(entry.term()).put((byte) entry.type().code())
                .put(entry.data());
        int payloadBytes = out.position() - payloadStart;
        out.putInt(frameStart, payloadBytes);
        out.putInt(frameStart + 4, crc32c(out.array(), out.arrayOffset() + payloadStart, payloadBytes));
    }

    static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
