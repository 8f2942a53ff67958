package io.kvbench.bench.floor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The floor's numbers are machine-dependent; only their shape is checked, never their speed. */
class FloorTest {

    @Test
    @Timeout(60)
    void reportsBothFsyncWaysWithOrderedPercentilesAndLeavesNoScratchFile(@TempDir Path directory) throws Exception {
        FloorResult floor = Floor.measure(directory, 200);

        assertThat(floor.fsyncMicrosP50()).isPositive().isLessThanOrEqualTo(floor.fsyncMicrosP99());
        assertThat(floor.roundTripMicrosP50()).isPositive().isLessThanOrEqualTo(floor.roundTripMicrosP99());
        assertThat(floor.singleFsyncFloorMicros()).isEqualTo(floor.fsyncMicrosP50() + floor.roundTripMicrosP50());
        assertThat(floor.clusterSize()).isEqualTo(Floor.DEFAULT_CLUSTER_SIZE);
        assertThat(floor.contendedFsyncMicrosP50()).isPositive().isLessThanOrEqualTo(floor.contendedFsyncMicrosP99());
        assertThat(floor.contendedEachFsyncMicrosP50()).isPositive()
                .isLessThanOrEqualTo(floor.contendedEachFsyncMicrosP99());
        assertThat(floor.majorityWriteFloorMicros())
                .isEqualTo(2 * floor.roundTripMicrosP50() + floor.contendedFsyncMicrosP50());
        assertThat(floor.transport()).isIn("epoll", "nio");
        assertThat(floor.growingFileFsyncMicrosP50()).isPositive()
                .isLessThanOrEqualTo(floor.growingFileFsyncMicrosP99());
        assertThat(floor.preallocatedFsyncMicrosP50()).isPositive()
                .isLessThanOrEqualTo(floor.preallocatedFsyncMicrosP99());
        // The floor is the faster way at p50, whichever it is on this disk, and its own p99 goes with it.
        boolean preallocated = floor.fsyncMethod().equals(FloorResult.PREALLOCATED);
        assertThat(floor.fsyncMethod()).isIn(FloorResult.PREALLOCATED, FloorResult.GROWING_FILE);
        assertThat(floor.fsyncMicrosP50()).isEqualTo(preallocated ? floor.preallocatedFsyncMicrosP50()
                : floor.growingFileFsyncMicrosP50());
        assertThat(floor.fsyncMicrosP99()).isEqualTo(preallocated ? floor.preallocatedFsyncMicrosP99()
                : floor.growingFileFsyncMicrosP99());
        assertThat(floor.fsyncMicrosP50()).isEqualTo(Math.min(floor.preallocatedFsyncMicrosP50(),
                floor.growingFileFsyncMicrosP50()));
        assertThat(floor.describe()).containsKeys("fsyncMicrosP50", "fsyncMicrosP99", "roundTripMicrosP50",
                "majorityWriteFloorMicros", "majorityWriteFloorMicrosP99", "singleFsyncFloorMicros", "clusterSize",
                "contendedFsyncMicrosP50", "contendedEachFsyncMicrosP50", "fsyncMethod", "growingFileFsyncMicrosP50",
                "preallocatedFsyncMicrosP50", "cpuFloor");
        // The CPU floor: one skeleton run per fsync placement, in the enum's order, one in flight, then batched.
        assertThat(floor.skeletons()).extracting(MajorityWriteSkeleton.Result::label).containsExactly("event-loop",
                "separate-thread", "event-loop-64-in-flight-16-connections",
                "separate-thread-64-in-flight-16-connections");
        assertThat(floor.cpuFloor(MajorityWriteSkeleton.FsyncPlacement.EVENT_LOOP).orElseThrow().inFlight()).isEqualTo(1);
        assertThat(floor.cpuFloor(MajorityWriteSkeleton.FsyncPlacement.SEPARATE_THREAD, 64).orElseThrow().writes())
                .isEqualTo(200 * 20);
        assertThat(floor.skeletons()).allSatisfy(skeleton ->
                assertThat(skeleton.clusterSize()).isEqualTo(Floor.DEFAULT_CLUSTER_SIZE));
        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
        System.err.printf("floor: fsync p50 %.1f us p99 %.1f us (%s; growing file p50 %.1f us, preallocated p50 "
                + "%.1f us), rtt p50 %.1f us p99 %.1f us (%s), 3 at once p50 %.1f us (majority) %.1f us (each)%n",
                floor.fsyncMicrosP50(), floor.fsyncMicrosP99(), floor.fsyncMethod(), floor.growingFileFsyncMicrosP50(),
                floor.preallocatedFsyncMicrosP50(), floor.roundTripMicrosP50(), floor.roundTripMicrosP99(),
                floor.transport(), floor.contendedFsyncMicrosP50(), floor.contendedEachFsyncMicrosP50());
    }
}
