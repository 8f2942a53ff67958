package io.kvbench.bench.floor;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;

/**
 * A node's preallocated file, written like a WAL's preallocated segment: each fsync writes the bytes asked for since
 * the last (at least {@link FsyncProbe#RECORD_BYTES}) over zeros made durable beforehand, so fdatasync writes the
 * blocks and flushes, nothing else. Used on the node's event loop only; with a fsync thread, one fsync at a time
 * runs there and what is asked for meanwhile shares the next (a group commit, as kvnode's WAL thread drains its
 * queue). The bytes written are a buffer of its own, not the received ones: the copy into the page cache costs the
 * same.
 */
final class SkeletonDurable {
    private final Path file;
    private final FileChannel channel;
    private final long fileBytes;
    private final ExecutorService fsyncExecutor;
    private final EventLoop loop;
    private final CompletableFuture<Histogram> failed;
    private final long extraNanos;
    private final boolean fails;
    private LongConsumer onDurable;
    private long requestedUpTo = -1;
    private long pendingBytes;
    private boolean fsyncRunning;
    /** The writer's own (the event loop, or the fsync thread while {@code fsyncRunning}). */
    private ByteBuffer block = ByteBuffer.allocateDirect(FsyncProbe.RECORD_BYTES);
    private long position;
    private long fsyncs;

    private SkeletonDurable(Path file, FileChannel channel, long fileBytes, ExecutorService fsyncExecutor, EventLoop loop,
            CompletableFuture<Histogram> failed, long extraNanos, boolean fails) {
        this.file = file;
        this.channel = channel;
        this.fileBytes = fileBytes;
        this.fsyncExecutor = fsyncExecutor;
        this.loop = loop;
        this.failed = failed;
        this.extraNanos = extraNanos;
        this.fails = fails;
    }

    /** Room for {@code writes} writes of {@code payloadBytes} and as many fsyncs of at least a record each. */
    static SkeletonDurable open(Path directory, int writes, int payloadBytes, ExecutorService fsyncExecutor, EventLoop loop,
            CompletableFuture<Histogram> failed, long extraNanos, boolean fails) throws IOException {
        Path file = Files.createTempFile(directory, "floor-skeleton-", ".tmp");
        long fileBytes = (long) writes * payloadBytes + (long) (writes + 1) * FsyncProbe.RECORD_BYTES;
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            FsyncProbe.fillWithZeros(channel, fileBytes);
            return new SkeletonDurable(file, channel, fileBytes, fsyncExecutor, loop, failed, extraNanos, fails);
        } catch (IOException | RuntimeException e) {
            if (channel != null) channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Makes everything up to {@code sequence}, {@code bytes} more, durable, then runs {@code onDurable} with the
     * highest sequence made durable, on the event loop: at once on the loop, or after the fsync thread's next fsync.
     */
    void write(long sequence, long bytes, LongConsumer onDurable) {
        this.onDurable = onDurable;
        requestedUpTo = Math.max(requestedUpTo, sequence);
        pendingBytes += bytes;
        if (fsyncExecutor == null) {
            long toWrite = takePendingBytes();
            writeAndForce(toWrite);
            onDurable.accept(requestedUpTo);
        } else if (!fsyncRunning) {
            startFsync();
        }
    }

    private long takePendingBytes() {
        long bytes = Math.max(FsyncProbe.RECORD_BYTES, pendingBytes);
        pendingBytes = 0;
        return bytes;
    }

    private void startFsync() {
        fsyncRunning = true;
        long upTo = requestedUpTo;
        long bytes = takePendingBytes();
        fsyncExecutor.execute(() -> {
            try {
                writeAndForce(bytes);
                loop.execute(() -> {
                    try {
                        fsyncRunning = false;
                        onDurable.accept(upTo);
                        if (requestedUpTo > upTo) startFsync();
                    } catch (Throwable thrown) {
                        failed.completeExceptionally(thrown);
                    }
                });
            } catch (Throwable thrown) {
                // No handler sees a failure here (nor a loop already shut down at teardown): end the measurement.
                failed.completeExceptionally(thrown);
            }
        });
    }

    /** Runs on one thread at a time: the event loop, or the fsync thread while {@code fsyncRunning}. */
    private void writeAndForce(long bytes) {
        if (fails) throw new IllegalStateException("skeleton fsync failed (injected)");
        if (extraNanos > 0) java.util.concurrent.locks.LockSupport.parkNanos(extraNanos); // a slow disk (tests)
        if (bytes > block.capacity()) block = ByteBuffer.allocateDirect((int) bytes);
        if (position + bytes > fileBytes) position = 0; // not reached: the file has room for every write
        try {
            block.clear().limit((int) bytes);
            block.putLong(0, fsyncs++);
            while (block.hasRemaining()) channel.write(block, position + block.position());
            channel.force(false);
        } catch (IOException e) {
            throw new IllegalStateException("skeleton fsync failed: " + e.getMessage(), e);
        }
        position += bytes;
    }

    void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // scratch file: nothing to lose
        }
    }
}
