package io.kvbench.bench.floor;

import io.kvbench.bench.net.NettyTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Measures the machine's floor (DESIGN.md, "Measuring"): fsync latency of a directory's filesystem and the
 * loopback TCP round trip of our Netty stack. Results are reported beside load results, since "1.3x the
 * floor" survives a noisy shared machine better than "1.9 ms".
 *
 * <p>The floor's fsync is the best durable small write the disk offers: of the two ways {@link FsyncProbe}
 * measures, the one with the lower p50, which on ext4 is the overwrite of preallocated space (about half the
 * cost of an append that grows the file, whose fdatasync also commits the new size). Both are reported.
 */
public final class Floor {

    private static final long ROUND_TRIP_TIMEOUT_SECONDS = 60;
    private static final String USAGE = "usage: Floor [--dir DIRECTORY] [--samples N]  (defaults: . and 1000)";

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
        FsyncProbe.Result fsync = FsyncProbe.measure(directory, warmupSamples, samples);
        Histogram roundTripNanos = LoopbackRoundTripProbe.measureNanos(warmupSamples, samples,
                ROUND_TRIP_TIMEOUT_SECONDS);
        boolean preallocatedIsFaster = fsync.preallocatedNanos().getValueAtPercentile(50)
                <= fsync.growingFileNanos().getValueAtPercentile(50);
        Histogram floorFsyncNanos = preallocatedIsFaster ? fsync.preallocatedNanos() : fsync.growingFileNanos();
        return new FloorResult(directory, samples,
                micros(floorFsyncNanos, 50), micros(floorFsyncNanos, 99),
                micros(roundTripNanos, 50), micros(roundTripNanos, 99),
                NettyTransport.name(),
                preallocatedIsFaster ? FloorResult.PREALLOCATED : FloorResult.GROWING_FILE,
                micros(fsync.growingFileNanos(), 50), micros(fsync.growingFileNanos(), 99),
                micros(fsync.preallocatedNanos(), 50), micros(fsync.preallocatedNanos(), 99));
    }

    /** Prints every field of one measurement, one {@code name: value} a line. */
    public static void main(String[] args) throws IOException {
        Path directory = Path.of(".");
        int samples = 1000;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                case "--dir" -> directory = Path.of(requireValue("--dir", value));
                case "--samples" -> samples = parseSamples(requireValue("--samples", value));
                default -> exitWithUsage("unknown argument " + args[i]);
            }
            i++;
        }
        for (Map.Entry<String, Object> field : measure(directory, samples).describe().entrySet()) {
            Object value = field.getValue();
            System.out.println(field.getKey() + ": "
                    + (value instanceof Double number ? String.format(java.util.Locale.ROOT, "%.1f", number) : value));
        }
    }

    private static String requireValue(String option, String value) {
        if (value == null) exitWithUsage(option + " needs a value");
        return value;
    }

    private static int parseSamples(String value) {
        try {
            int samples = Integer.parseInt(value);
            if (samples >= 1) return samples;
        } catch (NumberFormatException e) {
            // reported below
        }
        exitWithUsage("--samples must be a positive integer, got " + value);
        return 0;
    }

    private static void exitWithUsage(String problem) {
        System.err.println("Floor: " + problem + "; " + USAGE);
        System.exit(2);
    }

    private static double micros(Histogram nanos, double percentile) {
        return nanos.getValueAtPercentile(percentile) / 1000.0;
    }
}
