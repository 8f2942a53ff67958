package io.kvbench.cli;

import io.kvbench.net.OptionRange;
import io.kvbench.bench.floor.Floor;
import io.kvbench.bench.floor.FloorResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code kvbench floor}: the machine's floor, the yardstick every write figure is reported against. */
@Command(name = "floor", mixinStandardHelpOptions = true,
        description = "Measure fsync latency of a directory's filesystem and loopback TCP round trip (p50/p99).")
public final class FloorCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "results/local", description = "A directory on the filesystem to measure (default: ${DEFAULT-VALUE}).")
    Path directory;

    @OptionRange(min = 10, max = 10_000_000)

    @Option(names = "--samples", defaultValue = "2000", description = "Samples of each (default: ${DEFAULT-VALUE}).")
    int samples;

    @Override
    public Integer call() throws Exception {
        if (samples < 10) throw new UsageException("--samples must be at least 10");
        Files.createDirectories(directory);
        FloorResult floor = Floor.measure(directory, samples);
        System.out.printf("fsync (%s): p50 %.0f us, p99 %.0f us (the faster way: %s)%n", directory, floor.fsyncMicrosP50(),
                floor.fsyncMicrosP99(), floor.fsyncMethod());
        System.out.printf("  append to a growing file + fdatasync: p50 %.0f us, p99 %.0f us%n",
                floor.growingFileFsyncMicrosP50(), floor.growingFileFsyncMicrosP99());
        System.out.printf("  overwrite of preallocated zeros + fdatasync: p50 %.0f us, p99 %.0f us%n",
                floor.preallocatedFsyncMicrosP50(), floor.preallocatedFsyncMicrosP99());
        System.out.printf("loopback round trip (%s): p50 %.0f us, p99 %.0f us%n", floor.transport(), floor.roundTripMicrosP50(), floor.roundTripMicrosP99());
        System.out.printf("floor of a 3-node majority write (fsync p50 + rtt p50): %.0f us%n", floor.majorityWriteFloorMicros());
        return KvbenchMain.EXIT_OK;
    }
}
