package io.kvbench.wal;

import io.kvbench.raft.HardState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The file {@code hardstate}: two copies of the term and vote, in separate 4 KiB blocks, each
 * {@code [u32 CRC32C of body][body: u8 version, u64 sequence, u64 term, u32 votedFor]}. A write overwrites
 * the older copy in place and fdatasyncs, one fsync of a preallocated file instead of the write-temp, fsync,
 * rename, fsync-directory dance (several journal commits) that made every election wait. A crash mid-write can
 * tear only the copy being written; the other still holds the previous durable state, which is the right
 * answer because the torn one was never reported durable (TigerBeetle keeps its superblock the same way).
 */
final class HardStateFile {
    private static final byte VERSION = 2;
    private static final int BODY_BYTES = 1 + 8 + 8 + 4;
    static final int COPY_BYTES = 4 + BODY_BYTES;
    static final int COPY_SPACING_BYTES = 4096;
    static final int FILE_BYTES = 2 * COPY_SPACING_BYTES;

    private final FileChannel channel;
    private long sequence;

    private HardStateFile(FileChannel channel, long sequence) {
        this.channel = channel;
        this.sequence = sequence;
    }

    /** A new file holding {@code initial} in both copies, made durable with the directory entry. */
    static void create(FileChannelFactory channelFactory, Fsync fsync, Path directory, HardState initial) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(FILE_BYTES);
        content.put(0, encode(initial, 0));
        content.put(COPY_SPACING_BYTES, encode(initial, 0));
        AtomicFiles.replace(channelFactory, fsync, directory, WalFiles.HARD_STATE_FILE, content.array());
    }

    /** Opens the existing file for writing after {@link #read} chose the newest valid copy. */
    static HardStateFile openForWrites(FileChannelFactory channelFactory, Path directory, long lastSequence) throws IOException {
        FileChannel channel = channelFactory.open(directory.resolve(WalFiles.HARD_STATE_FILE),
                Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        return new HardStateFile(channel, lastSequence);
    }

    /** Overwrites the older copy and makes it durable. */
    void write(HardState hardState, Fsync fsync) throws IOException {
        long next = sequence + 1;
        long offset = (next % 2) * COPY_SPACING_BYTES;
        AtomicFiles.writeFully(channel, ByteBuffer.wrap(encode(hardState, next)), offset);
        fsync.force(channel);
        sequence = next;
    }

    void close() throws IOException {
        channel.close();
    }

    static byte[] encode(HardState hardState, long sequence) {
        ByteBuffer buffer = ByteBuffer.allocate(COPY_BYTES);
        buffer.position(4);
        buffer.put(VERSION).putLong(sequence).putLong(hardState.term()).putInt(hardState.votedFor());
        buffer.putInt(0, RecordFormat.crc32c(buffer.array(), 4, BODY_BYTES));
        return buffer.array();
    }

    /** The newest valid copy and its sequence number. */
    record Recovered(HardState hardState, long sequence) {
    }

    /** Null when the file does not exist. */
    static Recovered read(FileChannelFactory channelFactory, Path directory) throws IOException {
        Path file = directory.resolve(WalFiles.HARD_STATE_FILE);
        if (!Files.exists(file)) return null;
        byte[] content = AtomicFiles.readFully(channelFactory, file);
        if (content.length != FILE_BYTES) {
            throw new WalCorruptionException(file, 0, "hard state file holds " + content.length
                    + " bytes, expected " + FILE_BYTES);
        }
        String[] problems = new String[2];
        Recovered best = null;
        for (int copy = 0; copy < 2; copy++) {
            int offset = copy * COPY_SPACING_BYTES;
            ByteBuffer buffer = ByteBuffer.wrap(content, offset, COPY_BYTES).slice();
            int storedCrc = buffer.getInt(0);
            int computedCrc = RecordFormat.crc32c(content, offset + 4, BODY_BYTES);
            if (storedCrc != computedCrc) {
                problems[copy] = String.format("copy at byte %d: CRC mismatch (stored %08x, computed %08x)", offset, storedCrc, computedCrc);
                continue;
            }
            if (buffer.get(4) != VERSION) {
                problems[copy] = "copy at byte " + offset + ": unknown hard state version " + buffer.get(4);
                continue;
            }
            long sequence = buffer.getLong(5);
            long term = buffer.getLong(13);
            int votedFor = buffer.getInt(21);
            if (term < 0 || votedFor < 0) {
                problems[copy] = "copy at byte " + offset + ": negative term " + term + " or vote " + votedFor;
                continue;
            }
            if (best == null || sequence > best.sequence()) best = new Recovered(new HardState(term, votedFor), sequence);
        }
        if (best == null) {
            throw new WalCorruptionException(file, 0, "both hard state copies are damaged: " + problems[0] + "; " + problems[1]);
        }
        return best;
    }
}
