package io.kvbench.bench.floor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.HdrHistogram.Histogram;

/**
 * What a WAL append costs at the least: append 64 bytes and {@code force(false)} (fdatasync), repeatedly,
 * in a scratch file in the directory. The file is deleted afterwards.
 */
final class FsyncProbe {

    private static final int RECORD_BYTES = 64;

    private FsyncProbe() {
    }

    /** Nanosecond histogram of {@code samples} fsyncs, after {@code warmupSamples} discarded ones. */
    static Histogram measureNanos(Path directory, int warmupSamples, int samples) throws IOException {
        Files.createDirectories(directory);
        Path file = Files.createTempFile(directory, "floor-fsync-", ".tmp");
        Histogram nanos = new Histogram(3);
        ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int sample = 0; sample < warmupSamples + samples; sample++) {
                record.clear();
                record.putLong(0, sample);
                long startNanos = System.nanoTime();
                while (record.hasRemaining()) {
                    channel.write(record);
                }
                channel.force(false);
                long elapsedNanos = System.nanoTime() - startNanos;
                if (sample >= warmupSamples) {
                    nanos.recordValue(elapsedNanos);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return nanos;
    }
}
