package io.kvbench.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens real channels that count {@code force()} calls and, when armed, make {@code force} or {@code write}
 * throw, or make the next {@code force} wait on a latch (to pile batches up behind a busy WAL thread).
 */
final class FaultInjectingChannelFactory implements FileChannelFactory {
    final AtomicInteger forces = new AtomicInteger();
    volatile IOException forceFailure;
    volatile IOException writeFailure;
    /** When set, {@link #writeFailure} applies only to files whose name ends with it. */
    volatile String writeFailureForPathsEndingWith;
    /** When set, the next force signals {@link #forceEntered} and waits for this latch. */
    volatile CountDownLatch blockNextForce;
    final CountDownLatch forceEntered = new CountDownLatch(1);

    @Override
    public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
        return new ForwardingFileChannel(FileChannel.open(path, options)) {
            @Override
            public void force(boolean metaData) throws IOException {
                forces.incrementAndGet();
                CountDownLatch block = blockNextForce;
                if (block != null) {
                    blockNextForce = null;
                    forceEntered.countDown();
                    awaitQuietly(block);
                }
                IOException failure = forceFailure;
                if (failure != null) throw failure;
                super.force(metaData);
            }

            @Override
            public int write(ByteBuffer source, long position) throws IOException {
                IOException failure = writeFailureFor(path);
                if (failure != null) throw failure;
                return super.write(source, position);
            }

            @Override
            public int write(ByteBuffer source) throws IOException {
                IOException failure = writeFailureFor(path);
                if (failure != null) throw failure;
                return super.write(source);
            }
        };
    }

    private IOException writeFailureFor(Path path) {
        String suffix = writeFailureForPathsEndingWith;
        return suffix == null || path.getFileName().toString().endsWith(suffix) ? writeFailure : null;
    }

    private static void awaitQuietly(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) throw new IOException("test latch never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
