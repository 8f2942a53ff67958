package io.kvbench.wal;

import io.kvbench.raft.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * A file {@code snapshot-<last index hex>.snap}: {@code [u32 CRC32C of body][body: u8 version, u64 lastIndex,
 * u64 lastTerm, u32 data length, data]}. Written by rename like the hard state, so any damage is corruption.
 */
final class SnapshotFile {
    private static final byte VERSION = 1;
    private static final int FIXED_BODY_BYTES = 1 + 8 + 8 + 4;

    private SnapshotFile() {
    }

    static byte[] encode(Snapshot snapshot) {
        byte[] data = snapshot.data();
        if (data.length > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("snapshot too large");
        ByteBuffer buffer = ByteBuffer.allocate(4 + FIXED_BODY_BYTES + data.length);
        buffer.position(4);
        buffer.put(VERSION).putLong(snapshot.lastIndex()).putLong(snapshot.lastTerm()).putInt(data.length).put(data);
        buffer.putInt(0, RecordFormat.crc32c(buffer.array(), 4, buffer.capacity() - 4));
        return buffer.array();
    }

    /** Writes {@link #encode}'s bytes to a new {@code file} and forces them; from any thread, off the write path. */
    static void writeDurably(FileChannelFactory channelFactory, Fsync fsync, Path file, Snapshot snapshot)
            throws IOException {
        try (FileChannel channel = channelFactory.open(file, Set.of(StandardOpenOption.WRITE,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))) {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(encode(snapshot)), 0);
            fsync.forceOffWritePath(channel);
        }
    }

    static Snapshot read(FileChannelFactory channelFactory, Path file, long indexFromName) throws IOException {
        byte[] content = AtomicFiles.readFully(channelFactory, file);
        if (content.length < 4 + FIXED_BODY_BYTES) {
            throw new WalCorruptionException(file, 0, "snapshot file holds only " + content.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(content);
        int storedCrc = buffer.getInt(0);
        int computedCrc = RecordFormat.crc32c(content, 4, content.length - 4);
        if (storedCrc != computedCrc) {
            throw new WalCorruptionException(file, 0, String.format(
                    "snapshot CRC mismatch (stored %08x, computed %08x)", storedCrc, computedCrc));
        }
        byte version = buffer.get(4);
        if (version != VERSION) throw new WalCorruptionException(file, 4, "unknown snapshot version " + version);
        long lastIndex = buffer.getLong(5);
        long lastTerm = buffer.getLong(13);
        int dataBytes = buffer.getInt(21);
        if (dataBytes != content.length - 4 - FIXED_BODY_BYTES) {
            throw new WalCorruptionException(file, 21, "snapshot data length " + dataBytes + " does not match file size "
                    + content.length);
        }
        if (lastIndex != indexFromName || lastIndex <= 0 || lastTerm <= 0) {
            throw new WalCorruptionException(file, 5, "snapshot position " + lastIndex + "@" + lastTerm
                    + " does not match its file name index " + indexFromName);
        }
        byte[] data = new byte[dataBytes];
        buffer.get(25, data);
        return new Snapshot(lastIndex, lastTerm, data);
    }
}
