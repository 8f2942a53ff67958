package io.kvbench.bench.floor;

import io.kvbench.bench.net.NettyTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Measures the machine's floor (DESIGN.md, "Measuring"): fsync latency of a directory's filesystem and the
 * loopback TCP round trip of our Netty stack. Results are reported beside load results, since "1.3x the
 * floor" survives a noisy shared machine better than "1.9 ms".
 *
 * <p>The floor's fsync is the best durable small write the disk offers: of the two ways {@link FsyncProbe}
 * measures, the one with the lower p50, which on ext4 is the overwrite of preallocated space (about half the
 * cost of an append that grows the file, whose fdatasync also commits the new size). Both are reported. One writer
 * per node at once ({@link ContendedFsyncProbe}) overwrites preallocated space, as kvnode's WAL (and etcd's) does,
 * for the majority-write floor ({@link FloorResult#majorityWriteFloorMicros()}). Last, the CPU floor: {@link
 * MajorityWriteSkeleton} with the fsync on the event loop and on a thread of its own.
 */
public final class Floor {

    private static final long ROUND_TRIP_TIMEOUT_SECONDS = 60;
    /** The lone and contended fsync probes alternate this many times (see {@link #measure(Path, int, int)}). */
    private static final int FSYNC_TURNS = 10;
    /** Warm-up writes of each {@link MajorityWriteSkeleton} placement, before its measured turns. */
    static final int SKELETON_WARMUP_WRITES = 2000;
    /** The measured turns of each placement (see {@link MajorityWriteSkeleton#measureTurns}). */
    private static final int SKELETON_TURNS = 5;
    /** The batched CPU floor: the reference runs' 64 clients, on 16 connections. */
    public static final int SKELETON_BATCHED_IN_FLIGHT = 64;
    public static final int SKELETON_BATCHED_CONNECTIONS = 16;
    private static final int SKELETON_BATCHED_WRITES_PER_SAMPLE = 20;
    /** The local clusters' size: the writers of the contended probe unless told otherwise. */
    public static final int DEFAULT_CLUSTER_SIZE = 3;
    private static final String USAGE = "usage: Floor [--dir DIRECTORY] [--samples N] [--cluster-size N]"
            + "  (defaults: ., 1000 and " + DEFAULT_CLUSTER_SIZE + ")";

    private Floor() {
    }

    /** As {@link #measure(Path, int, int)} for a cluster of {@value #DEFAULT_CLUSTER_SIZE} nodes. */
    public static FloorResult measure(Path directory, int samples) throws IOException {
        return measure(directory, samples, DEFAULT_CLUSTER_SIZE);
    }

    /**
     * Takes {@code samples} of each probe (plus a tenth as many, at least 10, discarded first for JIT and
     * page-cache warm-up); the contended probe runs {@code samples} rounds of {@code clusterSize} fsyncs at once.
     * The lone and the contended fsync probes take turns, a tenth of their samples at a time, so that both see the
     * same disk: on this shared machine a lone fsync's p50 moved from 1,029 to 92 us between two runs a minute
     * apart, and a floor whose parts were measured minutes apart would mix two machines.
     */
    public static FloorResult measure(Path directory, int samples, int clusterSize) throws IOException {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1");
        }
        if (clusterSize < 1) {
            throw new IllegalArgumentException("clusterSize must be >= 1");
        }
        int warmupSamples = Math.max(10, samples / 10);
        Histogram growingFileNanos = new Histogram(3);
        Histogram preallocatedNanos = new Histogram(3);
        Histogram majorityNanos = new Histogram(3);
        Histogram eachContendedNanos = new Histogram(3);
        int turns = Math.min(FSYNC_TURNS, samples);
        for (int turn = 0; turn < turns; turn++) {
            int turnSamples = samples / turns + (turn < samples % turns ? 1 : 0);
            int turnWarmup = Math.max(1, warmupSamples / turns);
            FsyncProbe.Result fsync = FsyncProbe.measure(directory, turnWarmup, turnSamples);
            growingFileNanos.add(fsync.growingFileNanos());
            preallocatedNanos.add(fsync.preallocatedNanos());
            ContendedFsyncProbe.Result contended = ContendedFsyncProbe.measure(directory, clusterSize, turnWarmup,
                    turnSamples, true);
            majorityNanos.add(contended.majorityNanos());
            eachContendedNanos.add(contended.eachFsyncNanos());
        }
        Histogram roundTripNanos = LoopbackRoundTripProbe.measureNanos(warmupSamples, samples,
                ROUND_TRIP_TIMEOUT_SECONDS);
        List<MajorityWriteSkeleton.Result> skeletons = new java.util.ArrayList<>();
        if (clusterSize >= 2) {
            try {
            int skeletonTurns = Math.min(SKELETON_TURNS, samples);
            skeletons.addAll(MajorityWriteSkeleton.measureTurns(directory, clusterSize, SKELETON_WARMUP_WRITES, samples,
                    skeletonTurns));
            // Many in flight, as the reference runs' 64 clients (16 connections, 4 each): batched, so far cheaper per
            // write; more writes, since each costs a few microseconds.
            skeletons.addAll(MajorityWriteSkeleton.measureTurns(directory, clusterSize, SKELETON_WARMUP_WRITES,
                    samples * SKELETON_BATCHED_WRITES_PER_SAMPLE, skeletonTurns, SKELETON_BATCHED_IN_FLIGHT,
                    SKELETON_BATCHED_CONNECTIONS, MajorityWriteSkeleton.DEFAULT_PAYLOAD_BYTES));
            } catch (IOException | RuntimeException e) {
                // A side figure: its failure must not take the latency floor, and the run measuring it, down with it.
                System.err.println("floor: the CPU floor was not measured: " + e.getMessage());
                skeletons.clear();
            }
        }
        boolean preallocatedIsFaster = preallocatedNanos.getValueAtPercentile(50)
                <= growingFileNanos.getValueAtPercentile(50);
        Histogram floorFsyncNanos = preallocatedIsFaster ? preallocatedNanos : growingFileNanos;
        return new FloorResult(directory, samples,
                micros(floorFsyncNanos, 50), micros(floorFsyncNanos, 99),
                micros(roundTripNanos, 50), micros(roundTripNanos, 99),
                NettyTransport.name(),
                preallocatedIsFaster ? FloorResult.PREALLOCATED : FloorResult.GROWING_FILE,
                micros(growingFileNanos, 50), micros(growingFileNanos, 99),
                micros(preallocatedNanos, 50), micros(preallocatedNanos, 99),
                clusterSize, micros(majorityNanos, 50), micros(majorityNanos, 99),
                micros(eachContendedNanos, 50), micros(eachContendedNanos, 99), skeletons);
    }

    /** Prints every field of one measurement, one {@code name: value} a line. */
    public static void main(String[] args) throws IOException {
        Path directory = Path.of(".");
        int samples = 1000;
        int clusterSize = DEFAULT_CLUSTER_SIZE;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                case "--dir" -> directory = Path.of(requireValue("--dir", value));
                case "--samples" -> samples = parsePositive("--samples", requireValue("--samples", value));
                case "--cluster-size" -> clusterSize = parsePositive("--cluster-size", requireValue("--cluster-size", value));
                default -> exitWithUsage("unknown argument " + args[i]);
            }
            i++;
        }
        print("", measure(directory, samples, clusterSize).describe());
    }

    private static void print(String prefix, Map<String, Object> fields) {
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            Object value = field.getValue();
            if (value instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> nestedFields = (Map<String, Object>) nested;
                print(prefix + field.getKey() + ".", nestedFields);
            } else {
                System.out.println(prefix + field.getKey() + ": "
                        + (value instanceof Double number ? String.format(java.util.Locale.ROOT, "%.1f", number) : value));
            }
        }
    }

    private static String requireValue(String option, String value) {
        if (value == null) exitWithUsage(option + " needs a value");
        return value;
    }

    private static int parsePositive(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number >= 1) return number;
        } catch (NumberFormatException e) {
            // reported below
        }
        exitWithUsage(option + " must be a positive integer, got " + value);
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
