package io.kvbench.wal;

import io.kvbench.raft.HardState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The file {@code hardstate} on disk: {@link HardStateCopies} says what it holds and how it is read back. A write
 * overwrites both copies of the preallocated file in place and fdatasyncs once: one fsync, not the write-temp,
 * fsync, rename, fsync-directory dance (several journal commits) that made every election wait. The two copies
 * cost one more 33-byte write to the same file, no more syncs.
 */
final class HardStateFile {
    private final FileChannel channel;
    private final long voteFenceIndex;
    private long sequence;

    private HardStateFile(FileChannel channel, long voteFenceIndex, long sequence) {
        this.channel = channel;
        this.voteFenceIndex = voteFenceIndex;
        this.sequence = sequence;
    }

    /** A new file holding {@code initial} in both copies, made durable with the directory entry. */
    static void create(FileChannelFactory channelFactory, Fsync fsync, Path directory, HardState initial,
                       long voteFenceIndex) throws IOException {
        AtomicFiles.replace(channelFactory, fsync, directory, WalFiles.HARD_STATE_FILE,
                HardStateCopies.encodeFile(initial, voteFenceIndex, 0));
    }

    /**
     * Opens the existing file for writing after recovery chose its state ({@link HardStateCopies#decode}); the
     * vote fence, set when the file was created, is carried into every later write.
     */
    static HardStateFile openForWrites(FileChannelFactory channelFactory, Path directory,
                                       HardStateCopies.Recovered recovered) throws IOException {
        FileChannel channel = channelFactory.open(directory.resolve(WalFiles.HARD_STATE_FILE),
                Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        return new HardStateFile(channel, recovered.voteFenceIndex(), recovered.sequence());
    }

    /** Overwrites both copies with {@code hardState} and makes them durable. */
    void write(HardState hardState, Fsync fsync) throws IOException {
        long next = sequence + 1;
        byte[] copy = HardStateCopies.encodeCopy(hardState, voteFenceIndex, next);
        for (int i = 0; i < HardStateCopies.COPY_COUNT; i++) {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(copy), (long) i * HardStateCopies.COPY_SPACING_BYTES);
        }
        fsync.force(channel);
        sequence = next;
    }

    void close() throws IOException {
        channel.close();
    }
}
