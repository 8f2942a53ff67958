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
 * <p>The records end at the end of the file or at the first all-zero record header: segments are preallocated
 * with zeros, and truncating the log erases what it removes with zeros, header first. In the last segment
 * whatever non-zero bytes follow that header are discarded: the rest of a group write that a crash tore, or
 * the stale records of a truncation that a crash interrupted; none was reported durable. In an older segment
 * only zeros may follow it, since older segments were forced whole before the next one was created. The price,
 * which etcd's WAL pays too: if the disk itself zeroed the header of a durable record in the last segment, the
 * log would end there unnoticed (a CRC cannot tell an all-zero header from the end).
 *
 * <p>A bad record (non-zero header) in the last segment is a torn tail (a crash mid-write of something never
 * reported durable) only if no valid record follows it anywhere in the file. If one does, the bad bytes sit
 * between durable records: that is corruption, and truncating there would silently drop acknowledged entries.
 */
final class SegmentScanner {

    /**
     * @param validBytes where the records end
     * @param discardEndBytes one past the last non-zero byte after {@code validBytes}, which recovery erases;
     *        equal to {@code validBytes} when only zeros (or nothing) follow the records
     * @param discardReason why the bytes in {@code [validBytes, discardEndBytes)} are not records; null if none
     */
    record Scan(List<Entry> entries, LongList offsets, long validBytes, long discardEndBytes, String discardReason) {
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
            if (isEndMarker(content, position)) {
                return endOfRecords(file, content, position, lastSegment, entries, offsets);
            }
            String problem = frameProblem(content, buffer, position);
            if (problem != null) {
                int dataEnd = lastSegment ? ZeroFill.endOfNonZero(content, position) : content.length;
                if (lastSegment && findValidFrame(content, buffer, position + 1, dataEnd) < 0) {
                    return new Scan(entries, offsets, position, dataEnd, "torn tail: " + problem);
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
        return new Scan(entries, offsets, position, position, null);
    }

    /** An all-zero record header, or only zeros in the last few bytes where a header would not fit. */
    private static boolean isEndMarker(byte[] content, int position) {
        int headerEnd = Math.min(content.length, position + RecordFormat.HEADER_BYTES);
        for (int i = position; i < headerEnd; i++) {
            if (content[i] != 0) return false;
        }
        return true;
    }

    private static Scan endOfRecords(Path file, byte[] content, int position, boolean lastSegment, List<Entry> entries,
            LongList offsets) throws WalCorruptionException {
        int firstNonZero = ZeroFill.firstNonZero(content, position);
        if (firstNonZero < 0) return new Scan(entries, offsets, position, position, null);
        if (!lastSegment) {
            throw new WalCorruptionException(file, position, "an all-zero record header ends the records here, but "
                    + "non-zero bytes follow at byte " + firstNonZero + " in a segment that is not the last");
        }
        return new Scan(entries, offsets, position, ZeroFill.endOfNonZero(content, position),
                "non-zero bytes from byte " + firstNonZero + " after the end-of-log marker (an all-zero record "
                        + "header): the rest of a torn group write or of an interrupted truncation");
    }

    /** Null when a whole, CRC-valid entry record starts at {@code position}; otherwise what is wrong with it. */
    private static String frameProblem(byte[] content, ByteBuffer buffer, int position) {
        if (isValidFrame(content, buffer, position)) return null;
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
        return "unknown record type " + content[payloadStart];
    }

    /** The checks of {@link #frameProblem} without building a message: it runs at every offset of a torn tail. */
    private static boolean isValidFrame(byte[] content, ByteBuffer buffer, int position) {
        int remainingBytes = content.length - position;
        if (remainingBytes < RecordFormat.HEADER_BYTES) return false;
        long payloadBytes = Integer.toUnsignedLong(buffer.getInt(position));
        if (payloadBytes < RecordFormat.ENTRY_FIXED_BYTES || payloadBytes > RecordFormat.MAX_PAYLOAD_BYTES
                || payloadBytes > remainingBytes - RecordFormat.HEADER_BYTES) {
            return false;
        }
        int payloadStart = position + RecordFormat.HEADER_BYTES;
        return buffer.getInt(position + 4) == RecordFormat.crc32c(content, payloadStart, (int) payloadBytes)
                && content[payloadStart] == RecordFormat.ENTRY_RECORD;
    }

    /**
     * The first offset in {@code [from, dataEnd)} where a valid record starts, or -1. A record cannot start at or
     * after {@code dataEnd}, past which there are only zeros, because its length field is not zero.
     */
    private static int findValidFrame(byte[] content, ByteBuffer buffer, int from, int dataEnd) {
        for (int position = from; position < dataEnd; position++) {
            if (isValidFrame(content, buffer, position)) return position;
        }
        return -1;
    }
}
