package io.kvbench.bench.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;

/**
 * A diagnostic beside the floor: the floor's fsync probe (64-byte append + {@code force(false)}) run by
 * {@code writers} threads at once, each on its own file in the same directory, as three nodes of a loopback
 * cluster do on one disk. When this p50 is far above the lone probe's, the filesystem serializes the nodes'
 * fsyncs (one journal) and a 3-node cluster on one disk cannot reach "one fsync + one round trip".
 */
final class ContendedFsyncProbe {
    private static final int RECORD_BYTES = 64;

    private ContendedFsyncProbe() {
    }

    static Map<String, Object> measure(Path directory, int writers, int samplesPerWriter) throws InterruptedException {
        Histogram nanos = new Histogram(3);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Histogram> perWriter = new ArrayList<>();
        for (int writer = 0; writer < writers; writer++) {
            Histogram histogram = new Histogram(3);
            perWriter.add(histogram);
            Thread thread = new Thread(() -> probe(directory, start, samplesPerWriter, histogram), "fsync-probe-" + writer);
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) thread.join();
        for (Histogram histogram : perWriter) nanos.add(histogram);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("writers", writers);
        result.put("samplesPerWriter", samplesPerWriter);
        result.put("fsyncMicrosP50", nanos.getValueAtPercentile(50) / 1000.0);
        result.put("fsyncMicrosP99", nanos.getValueAtPercentile(99) / 1000.0);
        return result;
    }

    private static void probe(Path directory, CountDownLatch start, int samples, Histogram nanos) {
        int warmupSamples = Math.max(10, samples / 10);
        try {
            Path file = Files.createTempFile(directory, "contended-fsync-", ".tmp");
            ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                start.await();
                for (int sample = 0; sample < warmupSamples + samples; sample++) {
                    record.clear();
                    long startNanos = System.nanoTime();
                    while (record.hasRemaining()) channel.write(record);
                    channel.force(false);
                    if (sample >= warmupSamples) nanos.recordValue(System.nanoTime() - startNanos);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
