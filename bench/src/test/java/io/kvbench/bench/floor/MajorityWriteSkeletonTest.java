package io.kvbench.bench.floor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.bench.floor.MajorityWriteSkeleton.FsyncPlacement;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU floor's skeleton completes its writes and accounts for every role; its figures are the machine's, so only
 * their shape is checked, never their size.
 */
class MajorityWriteSkeletonTest {

    @ParameterizedTest(name = "{1} nodes, fsync {0}")
    @CsvSource({"EVENT_LOOP, 3", "SEPARATE_THREAD, 3", "EVENT_LOOP, 5", "SEPARATE_THREAD, 5", "SEPARATE_THREAD, 2"})
    @Timeout(60)
    void answersEveryWriteAndChargesEveryRoleSomeCpu(FsyncPlacement placement, int clusterSize, @TempDir Path directory)
            throws Exception {
        MajorityWriteSkeleton.Result result = MajorityWriteSkeleton.measure(directory, clusterSize, 20, 100, placement);

        assertThat(result.placement()).isEqualTo(placement);
        assertThat(result.clusterSize()).isEqualTo(clusterSize);
        assertThat(result.writes()).isEqualTo(100);
        assertThat(result.writeMicrosP50()).isPositive().isLessThanOrEqualTo(result.writeMicrosP99());
        // Every role did work for every write: a role read as 0 would be a thread left out of the count.
        assertThat(result.leaderCpuMicrosPerWrite()).isPositive();
        assertThat(result.followerCpuMicrosPerWrite()).isPositive();
        assertThat(result.clientCpuMicrosPerWrite()).isPositive();
        assertThat(result.totalCpuMicrosPerWrite()).isEqualTo(result.leaderCpuMicrosPerWrite()
                + (clusterSize - 1) * result.followerCpuMicrosPerWrite() + result.clientCpuMicrosPerWrite());
        try (var files = Files.list(directory)) {
            assertThat(files).as("scratch files deleted").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} in flight on {1} connections, fsync {2}, {3}-byte payload")
    @CsvSource({"8, 3, EVENT_LOOP, 128", "8, 3, SEPARATE_THREAD, 0", "64, 16, SEPARATE_THREAD, 128",
            "5, 5, EVENT_LOOP, 5000"})
    @Timeout(60)
    void manyInFlightOverSeveralConnectionsAreAllAnsweredInOrder(int inFlight, int connections, FsyncPlacement placement,
            int payloadBytes, @TempDir Path directory) throws Exception {
        // Each connection checks that its answers come in the order it sent (a failure ends the run with an exception).
        MajorityWriteSkeleton.Result result = MajorityWriteSkeleton.measure(directory, 3, 200, 2000, placement, inFlight,
                connections, payloadBytes);
        assertThat(result.payloadBytes()).isEqualTo(payloadBytes);

        assertThat(result.inFlight()).isEqualTo(inFlight);
        assertThat(result.connections()).isEqualTo(connections);
        assertThat(result.writes()).isEqualTo(2000);
        assertThat(result.leaderCpuMicrosPerWrite()).isPositive();
        assertThat(result.followerCpuMicrosPerWrite()).isPositive();
        assertThat(result.clientCpuMicrosPerWrite()).isPositive();
        assertThat(result.label()).isEqualTo(placement.label() + "-" + inFlight + "-in-flight-" + connections + "-connections");
    }

    private static final long SLOW_NANOS = 150_000_000;

    /** 5 writes, one in flight, with {@code faults}: the client's latency p50 in ms. */
    private static double p50Millis(Path directory, FsyncPlacement placement, MajorityWriteSkeleton.Faults faults)
            throws Exception {
        return MajorityWriteSkeleton.measure(directory, 3, 0, 5, placement, 1, 1, 100, faults).writeMicrosP50() / 1000;
    }

    @ParameterizedTest
    @CsvSource({"EVENT_LOOP", "SEPARATE_THREAD"})
    @Timeout(60)
    void aWriteIsAnsweredOnlyOnceDurableOnTheLeaderAndOneFollower(FsyncPlacement placement, @TempDir Path directory)
            throws Exception {
        // Bounds of 150 ms set against writes of well under 10 ms here: wide enough for a loaded machine.
        assertThat(p50Millis(directory, placement, new MajorityWriteSkeleton.Faults(SLOW_NANOS, 0, 0, false)))
                .as("waits for the leader's own fsync").isGreaterThanOrEqualTo(150);
        assertThat(p50Millis(directory, placement, new MajorityWriteSkeleton.Faults(0, SLOW_NANOS, SLOW_NANOS, false)))
                .as("waits for a follower's").isGreaterThanOrEqualTo(150);
        assertThat(p50Millis(directory, placement, new MajorityWriteSkeleton.Faults(0, SLOW_NANOS, 0, false)))
                .as("but not for the slower follower: two of three are a majority").isLessThan(75);
    }

    @ParameterizedTest
    @CsvSource({"EVENT_LOOP", "SEPARATE_THREAD"})
    @Timeout(20) // the skeleton's own timeout is 120 s: a failure must end it at once
    void aFailedFsyncEndsTheMeasurementAtOnceAndLeavesNoFile(FsyncPlacement placement, @TempDir Path directory) {
        assertThatThrownBy(() -> MajorityWriteSkeleton.measure(directory, 3, 0, 5, placement, 1, 1, 100,
                new MajorityWriteSkeleton.Faults(0, 0, 0, true)))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("skeleton fsync failed (injected)");
        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void refusesMoreConnectionsThanWritesInFlight(@TempDir Path directory) {
        assertThatThrownBy(() -> MajorityWriteSkeleton.measure(directory, 3, 0, 10, FsyncPlacement.EVENT_LOOP, 2, 3, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connections must be 1 to inFlight");
    }

    @Test
    @Timeout(60)
    void turnsGiveOneResultPerPlacementOverAllTheirWrites(@TempDir Path directory) throws Exception {
        var results = MajorityWriteSkeleton.measureTurns(directory, 3, 20, 60, 3);

        assertThat(results).extracting(MajorityWriteSkeleton.Result::placement).containsExactly(FsyncPlacement.values());
        assertThat(results).allSatisfy(result -> {
            assertThat(result.writes()).isEqualTo(60);
            assertThat(result.leaderCpuMicrosPerWrite()).isPositive();
            assertThat(result.followerCpuMicrosPerWrite()).isPositive();
        });
        assertThatThrownBy(() -> MajorityWriteSkeleton.measureTurns(directory, 3, 0, 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writes must be >= turns");
    }

    @Test
    void theMedianOfAFieldOverRuns() {
        var runs = java.util.List.of(run(30), run(10), run(20));
        assertThat(MajorityWriteSkeleton.median(runs, MajorityWriteSkeleton.Result::leaderCpuMicrosPerWrite)).isEqualTo(20);
        assertThat(MajorityWriteSkeleton.median(runs.subList(0, 2), MajorityWriteSkeleton.Result::leaderCpuMicrosPerWrite))
                .isEqualTo(20); // (30 + 10) / 2
    }

    private static MajorityWriteSkeleton.Result run(double leaderMicros) {
        return new MajorityWriteSkeleton.Result(FsyncPlacement.EVENT_LOOP, 3, 100, 1, 2, leaderMicros, 1, 1);
    }

    @Test
    void refusesAClusterWithoutFollowersAndNoWrites(@TempDir Path directory) {
        assertThatThrownBy(() -> MajorityWriteSkeleton.measure(directory, 1, 0, 10, FsyncPlacement.EVENT_LOOP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clusterSize");
        assertThatThrownBy(() -> MajorityWriteSkeleton.measure(directory, 3, 0, 0, FsyncPlacement.EVENT_LOOP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writes");
    }
}
