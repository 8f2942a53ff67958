package io.kvbench.node;

import org.junit.jupiter.api.Test;

import java.util.PrimitiveIterator;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class CompilerQueueTest {

    private static int polls(int maxPolls, long... totals) {
        PrimitiveIterator.OfLong readings = LongStream.of(totals).iterator();
        long[] lastReading = {0};
        return CompilerQueue.pollsUntilQuiet(() -> readings.hasNext() ? (lastReading[0] = readings.nextLong()) : lastReading[0],
                () -> { }, maxPolls);
    }

    @Test
    void returnsOnceTheTotalStopsGrowingForThreePolls() {
        // 10 -> 20 -> 35 -> 35 -> 35 -> 35: quiet after the third unchanged reading
        assertThat(polls(100, 10, 20, 35, 35, 35, 35, 99)).isEqualTo(5);
    }

    @Test
    void aBurstRestartsTheCount() {
        assertThat(polls(100, 5, 5, 5, 8, 8, 8, 8)).isEqualTo(6);
    }

    @Test
    void anIdleCompilerCostsThreePolls() {
        assertThat(polls(100, 7)).isEqualTo(CompilerQueue.QUIET_POLLS);
    }

    @Test
    void aCompilerThatNeverQuietsIsWaitedForAtMostMaxPolls() {
        assertThat(polls(4, LongStream.range(0, 50).toArray())).isEqualTo(4);
        assertThat(polls(0, 1, 2, 3)).isZero();
    }

    @Test
    void theRealCompilerIsWaitedForNoLongerThanTheBound() {
        // At most 200 / 20 = 10 pauses of 20 ms; 2 s allows for a loaded machine oversleeping each tenfold.
        long waitedMicros = CompilerQueue.awaitIdle(200);
        assertThat(waitedMicros).isBetween(0L, 2_000_000L);
    }
}
