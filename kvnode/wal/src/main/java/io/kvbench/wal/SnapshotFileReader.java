package io.kvbench.wal;

import io.kvbench.raft.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One snapshot file open for reading: its raw bytes by offset (what a leader sends a follower, chunk by chunk), or its
 * content streamed and verified. The file stays readable while this is open even if a newer snapshot replaces it
 * meanwhile (the open descriptor keeps it), so a transfer under way is never cut by the leader's next snapshot.
 * Positional reads: safe from several threads at once.
 */
public final class SnapshotFileReader implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final Snapshot snapshot;
    private final long sizeBytes;

    private SnapshotFileReader(Path file, FileChannel channel, Snapshot snapshot, long sizeBytes) {
        this.file = file;
        this.channel = channel;
        this.snapshot = snapshot;
        this.sizeBytes = sizeBytes;
    }

    /** Opens {@code file} and reads its header; the checksum is checked by {@link #readContent}, not here. */
    static SnapshotFileReader open(FileChannelFactory channelFactory, Path file) throws IOException {
        FileChannel channel = channelFactory.open(file, Set.of(StandardOpenOption.READ));
        try {
            long size = channel.size();
            if (size < SnapshotFile.HEADER_BYTES + SnapshotFile.TRAILER_BYTES) {
                throw new WalCorruptionException(file, 0, "snapshot file holds only " + size + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate(SnapshotFile.HEADER_BYTES);
            SnapshotFile.readFully(channel, header, 0, file);
            if (header.get(0) != SnapshotFile.VERSION) {
                throw new WalCorruptionException(file, 0, "unknown snapshot version " + header.get(0));
            }
            return new SnapshotFileReader(file, channel, new Snapshot(header.getLong(1), header.getLong(9)), size);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The whole file's size: what travels to a follower. */
    public long sizeBytes() {
        return sizeBytes;
    }

    public Path file() {
        return file;
    }

    /** Up to {@code maxBytes} of the file from {@code offset} (fewer only at its end). */
    public byte[] read(long offset, int maxBytes) throws IOException {
        if (offset < 0 || offset > sizeBytes || maxBytes < 0) {
            throw new IllegalArgumentException("read of " + maxBytes + " bytes at " + offset + " in " + sizeBytes);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxBytes, sizeBytes - offset));
        SnapshotFile.readFully(channel, buffer, offset, file);
        return buffer.array();
    }

    /** Streams the content to {@code reader} and verifies the file; see {@link SnapshotContent.Reader}. */
    public <T> T readContent(SnapshotContent.Reader<T> reader) throws IOException {
        SnapshotFile.Read<T> read = SnapshotFile.read(file, channel, reader);
        if (!read.snapshot().equals(snapshot)) throw new WalCorruptionException(file, 1, "snapshot header changed");
        return read.value();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Read-only: nothing to lose.
        }
    }

    @Override
    public String toString() {
        return "SnapshotFileReader{" + snapshot + " " + file.getFileName() + " " + sizeBytes + "B}";
    }
}
