package io.kvbench.bench.floor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The majority-write floor's formula and the contended probe's "second of three", on fixed inputs. */
class MajorityWriteFloorTest {

    /** rtt p50 43, p99 80; lone fsync p50 120, p99 700; 3 at once, the majority's, p50 180, p99 900. */
    static FloorResult floor() {
        return new FloorResult(Path.of("."), 1000, 120, 700, 43, 80, "epoll", FloorResult.PREALLOCATED, 240, 1400, 120,
                700, 3, 180, 900, 175, 950);
    }

    @Test
    void theMajorityWriteFloorIsTwoRoundTripsAndTheContendedFsync() {
        assertThat(floor().majorityWriteFloorMicros()).isEqualTo(2 * 43 + 180);
        assertThat(floor().majorityWriteFloorMicrosP99()).isEqualTo(2 * 80 + 900);
    }

    @Test
    void theSingleFsyncFloorIsOneFsyncAndOneRoundTrip() {
        assertThat(floor().singleFsyncFloorMicros()).isEqualTo(120 + 43);
        assertThat(floor().singleFsyncFloorMicrosP99()).isEqualTo(700 + 80);
    }

    @Test
    void describeNamesBothFloorsAndTheContendedFigures() {
        assertThat(floor().describe()).containsEntry("majorityWriteFloorMicros", 266.0)
                .containsEntry("majorityWriteFloorMicrosP99", 1060.0).containsEntry("singleFsyncFloorMicros", 163.0)
                .containsEntry("clusterSize", 3).containsEntry("contendedFsyncMicrosP50", 180.0)
                .containsEntry("contendedEachFsyncMicrosP99", 950.0);
    }

    @Test
    void aRoundIsOverWhenAMajorityOfItsWritersHaveFinished() {
        // Three nodes: the second to finish; the order the writers are listed in does not matter.
        assertThat(ContendedFsyncProbe.majorityNanos(new long[] {300, 100, 200})).isEqualTo(200);
        assertThat(ContendedFsyncProbe.majorityNanos(new long[] {100, 900, 900})).isEqualTo(900);
        // Five: the third. Two: both (a majority of two is two). One: itself.
        assertThat(ContendedFsyncProbe.majorityNanos(new long[] {50, 40, 30, 20, 10})).isEqualTo(30);
        assertThat(ContendedFsyncProbe.majorityNanos(new long[] {10, 20})).isEqualTo(20);
        assertThat(ContendedFsyncProbe.majorityNanos(new long[] {70})).isEqualTo(70);
        assertThatThrownBy(() -> ContendedFsyncProbe.majorityNanos(new long[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
