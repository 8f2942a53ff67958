package io.kvbench.wal;

import io.kvbench.raft.HardState;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code hardstate} file holds and the rule that reads it back, with no I/O (the WAL's recovery and the
 * simulator's storage faults share it). The file is two copies of the same state in separate 4 KiB blocks, each
 * {@code [u32 CRC32C of body][body: u8 version=3, u64 sequence, u64 term, u32 votedFor, u64 voteFenceIndex]}.
 *
 * <p>Every write puts the same state, with the next sequence number, into both copies, then fdatasyncs once.
 * That makes a damaged copy harmless: after any write that completed, both copies held its state, and later
 * writes only raise what a copy holds, so a copy that still reads back valid holds the newest durable state or a
 * newer one (a later write that landed in it but not in the other, never reported durable, and safe to adopt:
 * term and vote only go forward). Only both copies damaged loses the state, and that refuses to start.
 *
 * <p>Version 2 files (before this rule) alternated between the copies, one per write, so the older copy survived a
 * torn write of the newer. But a checksum failure there cannot be told from damage to the newest durable copy (a
 * bit flip, a misdirected write), and falling back to the older copy then rolled term and vote back silently (term
 * 9 voted for 1 became term 8 voted for 3): the node could vote twice in term 9. So a version 2 file with a damaged
 * copy is refused; one with both copies valid is read as before and rewritten as version 3 by its next write.
 *
 * <p>Beside the checksums, the log is a witness: the WAL makes the hard state durable before any entry or snapshot
 * of a higher term (SegmentedLog), so a log whose highest term exceeds the hard state's proves the hard state
 * older than it was; that too is refused. See docs/storage-recovery.md.
 */
public final class HardStateCopies {
    public static final int VERSION = 3;
    static final int LEGACY_VERSION = 2;
    private static final int BODY_BYTES = 1 + 8 + 8 + 4 + 8;
    private static final int LEGACY_BODY_BYTES = 1 + 8 + 8 + 4;
    /** One copy: checksum and body. */
    public static final int COPY_BYTES = 4 + BODY_BYTES;
    /** Copy {@code i} starts at byte {@code i * COPY_SPACING_BYTES}: separate blocks, separate sectors. */
    public static final int COPY_SPACING_BYTES = 4096;
    public static final int COPY_COUNT = 2;
    public static final int FILE_BYTES = COPY_COUNT * COPY_SPACING_BYTES;

    /**
     * The state read back.
     *
     * @param voteFenceIndex a rebuilt node grants no vote until its log reaches this index (0: no fence); see
     *                       {@code RaftCore} and docs/storage-recovery.md
     * @param sequence       the sequence number of the copy used; the next write uses the next one
     * @param damagedCopies  what was wrong with each damaged copy (empty when both were intact): the file should be
     *                       rewritten so that one more damage does not lose the state
     */
    public record Recovered(HardState hardState, long voteFenceIndex, long sequence, List<String> damagedCopies) {
        public Recovered {
            damagedCopies = List.copyOf(damagedCopies);
        }
    }

    private HardStateCopies() {
    }

    /** Both copies of a file holding {@code hardState}. */
    public static byte[] encodeFile(HardState hardState, long voteFenceIndex, long sequence) {
        byte[] copy = encodeCopy(hardState, voteFenceIndex, sequence);
        byte[] file = new byte[FILE_BYTES];
        for (int i = 0; i < COPY_COUNT; i++) System.arraycopy(copy, 0, file, i * COPY_SPACING_BYTES, COPY_BYTES);
        return file;
    }

    /** One copy, written at each of the {@link #COPY_COUNT} offsets by every write. */
    public static byte[] encodeCopy(HardState hardState, long voteFenceIndex, long sequence) {
        if (voteFenceIndex < 0) throw new IllegalArgumentException("negative vote fence index " + voteFenceIndex);
        ByteBuffer buffer = ByteBuffer.allocate(COPY_BYTES);
        buffer.position(4);
        buffer.put((byte) VERSION).putLong(sequence).putLong(hardState.term()).putInt(hardState.votedFor())
                .putLong(voteFenceIndex);
        buffer.putInt(0, RecordFormat.crc32c(buffer.array(), 4, BODY_BYTES));
        return buffer.array();
    }

    /**
     * Reads the file back and decides whether its state can be trusted.
     *
     * @param file            named in errors
     * @param highestLogTerm  the highest term of any entry or snapshot the log holds (0 for none)
     * @throws HardStateDamagedException when the newest durable term and vote may be lost (naming file and offset)
     */
    public static Recovered decode(Path file, byte[] content, long highestLogTerm) throws HardStateDamagedException {
        if (content.length != FILE_BYTES) {
            throw new HardStateDamagedException(file, 0, "hard state file holds " + content.length
                    + " bytes, expected " + FILE_BYTES);
        }
        List<Copy> valid = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        long damagedOffset = -1;
        for (int i = 0; i < COPY_COUNT; i++) {
            int offset = i * COPY_SPACING_BYTES;
            Object parsed = parseCopy(content, offset);
            if (parsed instanceof Copy copy) {
                valid.add(copy);
            } else {
                damaged.add((String) parsed);
                if (damagedOffset < 0) damagedOffset = offset;
            }
        }
        if (valid.isEmpty()) {
            throw new HardStateDamagedException(file, 0, "both hard state copies are damaged: " + String.join("; ", damaged));
        }
        Copy newest = valid.get(0);
        for (Copy copy : valid) if (copy.sequence > newest.sequence) newest = copy;
        if (!damaged.isEmpty() && newest.version == LEGACY_VERSION) {
            throw new HardStateDamagedException(file, damagedOffset, damaged.get(0) + ". This file was written by a"
                    + " version that alternated copies, so the damaged one may have held the newest durable term and"
                    + " vote; the intact copy at byte " + newest.offset + " says term " + newest.hardState.term()
                    + ", voted for " + newest.hardState.votedFor() + " (sequence " + newest.sequence + ")");
        }
        if (newest.hardState.term() < highestLogTerm) {
            throw new HardStateDamagedException(file, newest.offset, "hard state copy says term "
                    + newest.hardState.term() + " but the log holds term " + highestLogTerm
                    + ": the term and vote were rolled back (the WAL writes a higher term here before any entry of it)");
        }
        return new Recovered(newest.hardState, newest.voteFenceIndex, newest.sequence, damaged);
    }

    private record Copy(int offset, int version, long sequence, HardState hardState, long voteFenceIndex) {
    }

    /** A {@link Copy}, or a String saying what is wrong with it. */
    private static Object parseCopy(byte[] content, int offset) {
        ByteBuffer buffer = ByteBuffer.wrap(content, offset, COPY_BYTES).slice();
        int version = buffer.get(4);
        int bodyBytes = version == LEGACY_VERSION ? LEGACY_BODY_BYTES : BODY_BYTES;
        int storedCrc = buffer.getInt(0);
        int computedCrc = RecordFormat.crc32c(content, offset + 4, bodyBytes);
        if (storedCrc != computedCrc) {
            return String.format("copy at byte %d: CRC mismatch (stored %08x, computed %08x)", offset, storedCrc, computedCrc);
        }
        if (version != VERSION && version != LEGACY_VERSION) {
            return "copy at byte " + offset + ": unknown hard state version " + version;
        }
        long sequence = buffer.getLong(5);
        long term = buffer.getLong(13);
        int votedFor = buffer.getInt(21);
        long voteFenceIndex = version == LEGACY_VERSION ? 0 : buffer.getLong(25);
        if (term < 0 || votedFor < 0 || voteFenceIndex < 0) {
            return "copy at byte " + offset + ": negative term " + term + ", vote " + votedFor + " or fence " + voteFenceIndex;
        }
        return new Copy(offset, version, sequence, new HardState(term, votedFor), voteFenceIndex);
    }
}
