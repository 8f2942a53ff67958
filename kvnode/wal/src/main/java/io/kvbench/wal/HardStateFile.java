package io.kvbench.wal;

import io.kvbench.raft.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file {@code hardstate}: {@code [u32 CRC32C of body][body: u8 version, u64 term, u32 votedFor]}. It is
 * always replaced whole by rename, so a partial or mismatching file is corruption, never a crash artifact.
 */
final class HardStateFile {
    private static final byte VERSION = 1;
    private static final int BODY_BYTES = 1 + 8 + 4;
    static final int FILE_BYTES = 4 + BODY_BYTES;

    private HardStateFile() {
    }

    static byte[] encode(HardState hardState) {
        ByteBuffer buffer = ByteBuffer.allocate(FILE_BYTES);
        buffer.position(4);
        buffer.put(VERSION).putLong(hardState.term()).putInt(hardState.votedFor());
        buffer.putInt(0, RecordFormat.crc32c(buffer.array(), 4, BODY_BYTES));
        return buffer.array();
    }

    /** Null when the file does not exist. */
    static HardState read(FileChannelFactory channelFactory, Path directory) throws IOException {
        Path file = directory.resolve(WalFiles.HARD_STATE_FILE);
        if (!Files.exists(file)) return null;
        byte[] content = AtomicFiles.readFully(channelFactory, file);
        if (content.length != FILE_BYTES) {
            throw new WalCorruptionException(file, 0, "hard state file holds " + content.length
                    + " bytes, expected " + FILE_BYTES);
        }
        ByteBuffer buffer = ByteBuffer.wrap(content);
        int storedCrc = buffer.getInt(0);
        int computedCrc = RecordFormat.crc32c(content, 4, BODY_BYTES);
        if (storedCrc != computedCrc) {
            throw new WalCorruptionException(file, 0, String.format(
                    "hard state CRC mismatch (stored %08x, computed %08x)", storedCrc, computedCrc));
        }
        byte version = buffer.get(4);
        if (version != VERSION) throw new WalCorruptionException(file, 4, "unknown hard state version " + version);
        long term = buffer.getLong(5);
        int votedFor = buffer.getInt(13);
        if (term < 0 || votedFor < 0) {
            throw new WalCorruptionException(file, 5, "negative term " + term + " or vote " + votedFor);
        }
        return new HardState(term, votedFor);
    }
}
