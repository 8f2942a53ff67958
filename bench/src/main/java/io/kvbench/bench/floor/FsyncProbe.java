package io.kvbench.bench.floor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;

/**
 * What a WAL append costs at the least: write a 64-byte record and {@code force(false)} (fdatasync), repeatedly,
 * in scratch files in the directory, two ways:
 *
 * <ul>
 *   <li>growing file: each record is appended, so the file size changes and fdatasync must also make that
 *       metadata durable (on ext4 a journal commit) — what a WAL writing into fresh files pays;</li>
 *   <li>preallocated: each record overwrites space that was filled with zeros and made durable beforehand, so
 *       fdatasync writes the data block and flushes, nothing else — what a WAL with preallocated segments
 *       pays (kvnode's, and etcd's).</li>
 * </ul>
 *
 * The two are interleaved sample by sample, alternating which goes first, so that both see the same noise of a
 * shared machine and their ratio holds even when the absolute figures drift. The files are deleted afterwards.
 */
final class FsyncProbe {

    static final int RECORD_BYTES = 64;
    private static final int ZERO_CHUNK_BYTES = 1 << 20;

    /** Nanosecond histograms of the two ways, {@code samples} values each. */
    record Result(Histogram growingFileNanos, Histogram preallocatedNanos) {
    }

    private FsyncProbe() {
    }

    /** {@code samples} fsyncs of each kind, after {@code warmupSamples} discarded ones. */
    static Result measure(Path directory, int warmupSamples, int samples) throws IOException {
        Files.createDirectories(directory);
        int totalSamples = warmupSamples + samples;
        Histogram growingNanos = new Histogram(3);
        Histogram preallocatedNanos = new Histogram(3);
        ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES);
        Path growingFile = Files.createTempFile(directory, "floor-fsync-growing-", ".tmp");
        Path preallocatedFile = Files.createTempFile(directory, "floor-fsync-preallocated-", ".tmp");
        try (FileChannel growing = FileChannel.open(growingFile, StandardOpenOption.WRITE);
                FileChannel preallocated = FileChannel.open(preallocatedFile, StandardOpenOption.WRITE)) {
            fillWithZeros(preallocated, (long) totalSamples * RECORD_BYTES);
            for (int sample = 0; sample < totalSamples; sample++) {
                long position = (long) sample * RECORD_BYTES;
                boolean growingFirst = sample % 2 == 0;
                long firstNanos = timedWriteAndForce(growingFirst ? growing : preallocated, record, position, sample);
                long secondNanos = timedWriteAndForce(growingFirst ? preallocated : growing, record, position, sample);
                if (sample >= warmupSamples) {
                    growingNanos.recordValue(growingFirst ? firstNanos : secondNanos);
                    preallocatedNanos.recordValue(growingFirst ? secondNanos : firstNanos);
                }
            }
        } finally {
            Files.deleteIfExists(growingFile);
            Files.deleteIfExists(preallocatedFile);
        }
        return new Result(growingNanos, preallocatedNanos);
    }

    static long timedWriteAndForce(FileChannel channel, ByteBuffer record, long position, int sample)
            throws IOException {
        record.clear();
        record.putLong(0, sample);
        long startNanos = System.nanoTime();
        while (record.hasRemaining()) {
            channel.write(record, position + record.position());
        }
        channel.force(false);
        return System.nanoTime() - startNanos;
    }

    /**
     * Real zeros rather than a sparse file or fallocate: both leave blocks whose first write is an allocation or
     * an extent conversion, a metadata change that fdatasync would have to commit.
     */
    static void fillWithZeros(FileChannel channel, long bytes) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK_BYTES);
        long position = 0;
        while (position < bytes) {
            zeros.clear();
            zeros.limit((int) Math.min(ZERO_CHUNK_BYTES, bytes - position));
            while (zeros.hasRemaining()) {
                position += channel.write(zeros, position);
            }
        }
        channel.force(true);
    }
}
