package io.kvbench.wal;

import io.kvbench.raft.Entry;
import io.kvbench.raft.EntryType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one segment's bytes and checks every record: frame, CRC, record type, and that indexes run on from the
 * file name's first index without a gap.
 *
 * <p>A bad record in the last segment is a torn tail (a crash mid-write of something never reported durable)
 * only if no valid record follows it anywhere in the file. If one does, the bad bytes sit between durable
 * records: that is corruption, and truncating there would silently drop acknowledged entries. Older segments
 * are forced before the next one is created, so they never have a torn tail.
 */
final class SegmentScanner {

    /** @param tornTailProblem why the bytes after {@code validBytes} were judged a torn tail; null if none */
    record Scan(List<Entry> entries, LongList offsets, long validBytes, String tornTailProblem) {
    }

    private SegmentScanner() {
    }

    static Scan scan(Path file, long firstIndex, byte[] content, boolean lastSegment) throws WalCorruptionException {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        List<Entry> entries = new ArrayList<>();
        LongList offsets = new LongList();
        int position = 0;
        long expectedIndex = firstIndex;
        while (position < content.length) {
            String problem = frameProblem(content, buffer, position);
            if (problem != null) {
                if (lastSegment && findValidFrame(content, buffer, position + 1) < 0) {
                    return new Scan(entries, offsets, position, problem);
                }
                throw new WalCorruptionException(file, position, problem
                        + (lastSegment ? " (valid records follow, so this is not a torn tail)" : ""));
            }
            int payloadBytes = buffer.getInt(position);
            int payloadStart = position + RecordFormat.HEADER_BYTES;
            long index = buffer.getLong(payloadStart + 1);
            long term = buffer.getLong(payloadStart + 1 + 8);
            int typeCode = buffer.get(payloadStart + 1 + 8 + 8);
            if (index != expectedIndex) {
                throw new WalCorruptionException(file, position, "expected entry index " + expectedIndex
                        + ", found " + index);
            }
            EntryType type;
            try {
                type = EntryType.fromCode(typeCode);
            } catch (IllegalArgumentException unknownType) {
                throw new WalCorruptionException(file, position, "unknown entry type code " + typeCode);
            }
            if (term <= 0) throw new WalCorruptionException(file, position, "entry term " + term + " is not positive");
            byte[] data = new byte[payloadBytes - RecordFormat.ENTRY_FIXED_BYTES];
            buffer.get(payloadStart + RecordFormat.ENTRY_FIXED_BYTES, data);
            entries.add(new Entry(index, term, type, data));
            offsets.add(position);
            expectedIndex++;
            position = payloadStart + payloadBytes;
        }
        return new Scan(entries, offsets, position, null);
    }

    /** Null when a whole, CRC-valid entry record starts at {@code position}; otherwise what is wrong with it. */
    private static String frameProblem(byte[] content, ByteBuffer buffer, int position) {
        int remainingBytes = content.length - position;
        if (remainingBytes < RecordFormat.HEADER_BYTES) {
            return "incomplete record header (" + remainingBytes + " of " + RecordFormat.HEADER_BYTES + " bytes)";
        }
        long payloadBytes = Integer.toUnsignedLong(buffer.getInt(position));
        if (payloadBytes < RecordFormat.ENTRY_FIXED_BYTES || payloadBytes > RecordFormat.MAX_PAYLOAD_BYTES) {
            return "invalid record length " + payloadBytes;
        }
        if (payloadBytes > remainingBytes - RecordFormat.HEADER_BYTES) {
            return "incomplete record: length " + payloadBytes + " but only "
                    + (remainingBytes - RecordFormat.HEADER_BYTES) + " bytes follow the header";
        }
        int payloadStart = position + RecordFormat.HEADER_BYTES;
        int storedCrc = buffer.getInt(position + 4);
        int computedCrc = RecordFormat.crc32c(content, payloadStart, (int) payloadBytes);
        if (storedCrc != computedCrc) {
            return String.format("CRC mismatch (stored %08x, computed %08x)", storedCrc, computedCrc);
        }
        if (content[payloadStart] != RecordFormat.ENTRY_RECORD) {
            return "unknown record type " + content[payloadStart];
        }
        return null;
    }

    /** The first offset at or after {@code from} where a valid record starts, or -1. */
    private static int findValidFrame(byte[] content, ByteBuffer buffer, int from) {
        for (int position = from; position + RecordFormat.HEADER_BYTES < content.length; position++) {
            if (frameProblem(content, buffer, position) == null) return position;
        }
        return -1;
    }
}
