package io.kvbench.cli;

import io.kvbench.bench.floor.Floor;
import io.kvbench.bench.floor.FloorResult;
import io.kvbench.net.OptionRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kvbench floor}: the machine's floor, the yardstick every write figure is reported against. */
@Command(name = "floor", mixinStandardHelpOptions = true,
        description = {"Measure fsync latency of a directory's filesystem, alone and by every node at once, and loopback RTT.",
                "Prints the majority-write floor: 2 x rtt + the fsync a majority waits for while every node fsyncs the one disk,",
                "and the CPU floor: what each role of a majority write with no Raft in it spends per write here."})
public final class FloorCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "results/local", description = "A directory on the filesystem to measure (default: ${DEFAULT-VALUE}).")
    Path directory;

    @OptionRange(min = 10, max = 10_000_000)
    @Option(names = "--samples", defaultValue = "2000", description = "Samples of each; rounds of the contended fsync (default: ${DEFAULT-VALUE}).")
    int samples;

    @OptionRange(min = 1, max = 9)
    @Option(names = "--cluster-size", defaultValue = "3",
            description = "Nodes sharing the disk: fsync writers at once in the contended probe (default: ${DEFAULT-VALUE}).")
    int clusterSize;

    @Override
    public Integer call() throws Exception {
        if (samples < 10) throw new UsageException("--samples must be at least 10");
        if (clusterSize < 1) throw new UsageException("--cluster-size must be at least 1");
        Files.createDirectories(directory);
        FloorResult floor = Floor.measure(directory, samples, clusterSize);
        System.out.printf("fsync (%s): p50 %.0f us, p99 %.0f us (the faster way: %s)%n", directory, floor.fsyncMicrosP50(),
                floor.fsyncMicrosP99(), floor.fsyncMethod());
        System.out.printf("  append to a growing file + fdatasync: p50 %.0f us, p99 %.0f us%n",
                floor.growingFileFsyncMicrosP50(), floor.growingFileFsyncMicrosP99());
        System.out.printf("  overwrite of preallocated zeros + fdatasync: p50 %.0f us, p99 %.0f us%n",
                floor.preallocatedFsyncMicrosP50(), floor.preallocatedFsyncMicrosP99());
        System.out.printf("fsync by %d writers at once, until a majority (%d of %d) had finished: p50 %.0f us, p99 %.0f us"
                        + " (each of them: p50 %.0f us, p99 %.0f us)%n", floor.clusterSize(), floor.clusterSize() / 2 + 1,
                floor.clusterSize(), floor.contendedFsyncMicrosP50(), floor.contendedFsyncMicrosP99(),
                floor.contendedEachFsyncMicrosP50(), floor.contendedEachFsyncMicrosP99());
        System.out.printf("loopback round trip (%s): p50 %.0f us, p99 %.0f us%n", floor.transport(), floor.roundTripMicrosP50(), floor.roundTripMicrosP99());
        System.out.printf("majority-write floor (2 x rtt p50 + contended fsync p50): %.0f us; at p99 (2 x rtt p99 + contended fsync p99): %.0f us%n",
                floor.majorityWriteFloorMicros(), floor.majorityWriteFloorMicrosP99());
        System.out.printf("single-fsync floor (fsync p50 + rtt p50): %.0f us%n", floor.singleFsyncFloorMicros());
        System.out.printf("assumes %d nodes on this machine sharing this disk, talking over loopback. A cluster on separate hosts%n"
                + "has another floor: run kvbench floor on each host and time the round trips between them; a write then costs at%n"
                + "least the client-to-leader and leader-to-follower round trips plus that follower's own fsync.%n", floor.clusterSize());
        CostLines.cpuFloorLines(floor, null, null, "medians of 5 turns", null).forEach(System.out::println);
        return KvbenchMain.EXIT_OK;
    }
}
