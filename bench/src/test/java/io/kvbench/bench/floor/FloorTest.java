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
    void reportsPositiveOrderedPercentilesAndLeavesNoScratchFile(@TempDir Path directory) throws Exception {
        FloorResult floor = Floor.measure(directory, 200);

        assertThat(floor.fsyncMicrosP50()).isPositive().isLessThanOrEqualTo(floor.fsyncMicrosP99());
        assertThat(floor.roundTripMicrosP50()).isPositive().isLessThanOrEqualTo(floor.roundTripMicrosP99());
        assertThat(floor.majorityWriteFloorMicros())
                .isEqualTo(floor.fsyncMicrosP50() + floor.roundTripMicrosP50());
        assertThat(floor.transport()).isIn("epoll", "nio");
        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
        System.err.printf("floor: fsync p50 %.1f us p99 %.1f us, rtt p50 %.1f us p99 %.1f us (%s)%n",
                floor.fsyncMicrosP50(), floor.fsyncMicrosP99(), floor.roundTripMicrosP50(),
                floor.roundTripMicrosP99(), floor.transport());
    }
}
