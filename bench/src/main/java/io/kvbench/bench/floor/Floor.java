package io.kvbench.bench.floor;

import io.kvbench.bench.net.NettyTransport;
import java.io.IOException;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * Measures the machine's floor (DESIGN.md, "Measuring"): fsync latency of a directory's filesystem and the
 * loopback TCP round trip of our Netty stack. Results are reported beside load results, since "1.3x the
 * floor" survives a noisy shared machine better than "1.9 ms".
 */
public final class Floor {

    private static final long ROUND_TRIP_TIMEOUT_SECONDS = 60;

    private Floor() {
    }

    /**
     * Takes {@code samples} of each probe (plus a tenth as many, at least 10, discarded first for JIT and
     * page-cache warm-up).
     */
    public static FloorResult measure(Path directory, int samples) throws IOException {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1");
        }
        int warmupSamples = Math.max(10, samples / 10);
        Histogram fsyncNanos = FsyncProbe.measureNanos(directory, warmupSamples, samples);
        Histogram roundTripNanos = LoopbackRoundTripProbe.measureNanos(warmupSamples, samples,
                ROUND_TRIP_TIMEOUT_SECONDS);
        return new FloorResult(directory, samples,
                micros(fsyncNanos, 50), micros(fsyncNanos, 99),
                micros(roundTripNanos, 50), micros(roundTripNanos, 99),
                NettyTransport.name());
    }

    private static double micros(Histogram nanos, double percentile) {
        return nanos.getValueAtPercentile(percentile) / 1000.0;
    }
}
