package io.kvbench.wal;

import io.kvbench.raft.Snapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * A snapshot a follower receives from its leader, written chunk by chunk to a temp file ({@link Wal#receiveSnapshot}):
 * its bytes are a snapshot file's, in order. Once all are written, {@link #finish} forces the file and checks it
 * whole (size, position and checksum); only then can it be installed, through a {@link WalBatch}, by a rename. A crash
 * before that leaves a temp file that recovery deletes, so a partly received snapshot is never installed. Used by one
 * thread at a time (the node's snapshot I/O thread).
 */
public final class IncomingSnapshot {
    private final FileChannelFactory channelFactory;
    private final Fsync fsync;
    private final Path file;
    private final Snapshot snapshot;
    private final long sizeBytes;
    private FileChannel channel;
    private long writtenBytes;

    IncomingSnapshot(FileChannelFactory channelFactory, Fsync fsync, Path file, Snapshot snapshot, long sizeBytes)
            throws IOException {
        this.channelFactory = channelFactory;
        this.fsync = fsync;
        this.file = file;
        this.snapshot = snapshot;
        this.sizeBytes = sizeBytes;
        this.channel = channelFactory.open(file, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public long writtenBytes() {
        return writtenBytes;
    }

    /** Appends {@code data}, which must start where the bytes written so far end. */
    public void write(long offset, byte[] data) throws IOException {
        if (channel == null) throw new IllegalStateException("snapshot " + snapshot + " already finished or discarded");
        if (offset != writtenBytes || offset + data.length > sizeBytes) {
            throw new IllegalArgumentException("chunk [" + offset + ", +" + data.length + ") does not follow the "
                    + writtenBytes + " of " + sizeBytes + " bytes written");
        }
        AtomicFiles.writeFully(channel, ByteBuffer.wrap(data), offset);
        writtenBytes += data.length;
    }

    /**
     * Forces the complete file and checks it: its header names {@link #snapshot()} and its checksum holds. The result
     * can go into a {@link WalBatch}, to be installed in order with the batch.
     *
     * @throws WalCorruptionException if the bytes received do not make the snapshot announced (the transfer must
     *                                start again; the file is deleted)
     * @throws IOException            if forcing failed (a storage failure)
     */
    public StagedSnapshot finish() throws IOException {
        if (writtenBytes != sizeBytes) {
            throw new IllegalStateException("finish with " + writtenBytes + " of " + sizeBytes + " bytes written");
        }
        fsync.forceOffWritePath(channel);
        channel.close();
        channel = null;
        Snapshot found;
        try (FileChannel reading = channelFactory.open(file, Set.of(StandardOpenOption.READ))) {
            found = SnapshotFile.read(file, reading, in -> {
                in.transferTo(OutputStream.nullOutputStream());
                return null;
            }).snapshot();
        } catch (WalCorruptionException e) {
            discard();
            throw e;
        }
        if (!found.equals(snapshot)) {
            discard();
            throw new WalCorruptionException(file, 1, "received " + found + " where " + snapshot + " was announced");
        }
        return new StagedSnapshot(snapshot.lastIndex(), snapshot.lastTerm(), sizeBytes, file);
    }

    /** Closes and deletes the file (a newer snapshot is coming, or the transfer is abandoned). */
    public void discard() {
        try {
            if (channel != null) channel.close();
            channel = null;
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A temp file: recovery deletes it.
        }
    }

    @Override
    public String toString() {
        return "IncomingSnapshot{" + snapshot + " " + writtenBytes + "/" + sizeBytes + "B " + file.getFileName() + "}";
    }
}
