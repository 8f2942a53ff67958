package io.kvbench.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** Every {@code force()} the WAL makes goes through here, so {@link SyncMode#NONE} and the timing hold everywhere. */
final class Fsync {
    private final SyncMode syncMode;
    private final FileChannelFactory channelFactory;
    private final StatsRecorder stats;

    Fsync(SyncMode syncMode, FileChannelFactory channelFactory, StatsRecorder stats) {
        this.syncMode = syncMode;
        this.channelFactory = channelFactory;
        this.stats = stats;
    }

    /** fdatasync: the file's data and the metadata needed to read it back (its size). */
    void force(FileChannel channel) throws IOException {
        if (syncMode == SyncMode.NONE) return;
        long startNanos = System.nanoTime();
        channel.force(false);
        stats.recordForce(System.nanoTime() - startNanos);
    }

    /**
     * fdatasync off the write path: a segment being preallocated (timed as part of the preallocation,
     * {@link StatsRecorder#recordPreallocation}) or a snapshot staged by a background thread. Not counted among
     * the forces that writes wait for, and safe from any thread (the stats it skips have one writer each).
     */
    void forceOffWritePath(FileChannel channel) throws IOException {
        if (syncMode == SyncMode.NONE) return;
        channel.force(false);
    }

    /** Makes file creations, renames and deletions in {@code directory} durable. */
    void syncDirectory(Path directory) throws IOException {
        if (syncMode == SyncMode.NONE) return;
        try (FileChannel channel = channelFactory.open(directory, Set.of(StandardOpenOption.READ))) {
            long startNanos = System.nanoTime();
            channel.force(true);
            stats.recordForce(System.nanoTime() - startNanos);
        }
    }
}
