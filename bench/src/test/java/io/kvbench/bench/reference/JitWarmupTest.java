package io.kvbench.bench.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JitWarmupTest {
    private static final long BUDGET = JitWarmup.QUIET_MILLIS_PER_ROUND;

    @Test
    void aRoundIsQuietOnlyWhenNoNodeCompiledMoreThanTheBudget() {
        assertThat(JitWarmup.quiet(new long[] {1000, 2000, 3000}, new long[] {1000, 2000 + BUDGET, 3010})).isTrue();
        assertThat(JitWarmup.quiet(new long[] {1000, 2000, 3000}, new long[] {1000, 2000 + BUDGET + 1, 3000})).isFalse();
        assertThat(JitWarmup.quiet(new long[] {0, 0, 0}, new long[] {5000, 0, 0})).isFalse();
    }

    @Test
    void nodesWithoutATotalAreSkippedButSomeNodeMustBeCompared() {
        assertThat(JitWarmup.quiet(new long[] {-1, 100}, new long[] {-1, 120})).isTrue();
        assertThat(JitWarmup.quiet(new long[] {-1, 100}, new long[] {-1, 1000})).isFalse();
        // A node that had a total and lost it is not known to be quiet; nothing compared is no evidence of quiet.
        assertThat(JitWarmup.quiet(new long[] {100, 100}, new long[] {-1, 120})).isFalse();
        assertThat(JitWarmup.quiet(new long[] {-1, -1}, new long[] {-1, -1})).isFalse();
        assertThatThrownBy(() -> JitWarmup.quiet(new long[] {1}, new long[] {1, 2})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stopsAfterTwoQuietRoundsInARowAlternatingOneAndSixteenClients() throws Exception {
        // Totals after each round: busy, busy, quiet (16 clients), busy again (1 client), quiet, quiet.
        FakeNodes nodes = new FakeNodes(new long[] {0, 0}, new long[] {500, 400}, new long[] {900, 800},
                new long[] {910, 800}, new long[] {1000, 800}, new long[] {1010, 810}, new long[] {1020, 820},
                new long[] {9999, 9999});
        JitWarmup.Result result = JitWarmup.untilQuiet(nodes::round, nodes::read, Duration.ofMinutes(5), nodes.clock::get);

        assertThat(result.quiet()).isTrue();
        assertThat(result.rounds()).isEqualTo(6);
        assertThat(nodes.clientsByRound).containsExactly(1, 16, 1, 16, 1, 16);
        assertThat(result.readingsByRound()).hasSize(6).last().isEqualTo("[1020, 820]");
    }

    @Test
    void aFailedReadingIsNotQuietAndTheWarmUpGoesOn() throws Exception {
        FakeNodes nodes = new FakeNodes(new long[] {0}, new long[] {10}, null, new long[] {20}, new long[] {30},
                new long[] {40});
        JitWarmup.Result result = JitWarmup.untilQuiet(nodes::round, nodes::read, Duration.ofMinutes(5), nodes.clock::get);

        // Round 1 quiet, round 2's reading failed (not quiet, nor is round 3, compared with nothing), rounds 4-5 quiet.
        assertThat(result.quiet()).isTrue();
        assertThat(result.rounds()).isEqualTo(5);
        assertThat(result.readingsByRound().get(1)).startsWith("failed: ");
    }

    @Test
    void givesUpAtTheLimitAndSaysSo() throws Exception {
        long[][] busy = new long[100][];
        for (int i = 0; i < busy.length; i++) busy[i] = new long[] {1000L * i};
        FakeNodes nodes = new FakeNodes(busy);
        // Each round takes 3 s of the fake clock: a 10 s limit allows 4 rounds.
        JitWarmup.Result result = JitWarmup.untilQuiet(nodes::round, nodes::read, Duration.ofSeconds(10), nodes.clock::get);

        assertThat(result.quiet()).isFalse();
        assertThat(result.rounds()).isEqualTo(4);
    }

    /** Readings served in order (null: the reading fails); each round advances a fake clock by 3 s. */
    private static final class FakeNodes {
        final AtomicLong clock = new AtomicLong();
        final List<Integer> clientsByRound = new ArrayList<>();
        private final ArrayDeque<long[]> readings = new ArrayDeque<>();
        private final ArrayDeque<Boolean> fails = new ArrayDeque<>();

        FakeNodes(long[]... readings) {
            for (long[] reading : readings) {
                this.readings.add(reading == null ? new long[0] : reading);
                fails.add(reading == null);
            }
        }

        void round(int roundNumber, int clients) {
            assertThat(roundNumber).isEqualTo(clientsByRound.size() + 1);
            clientsByRound.add(clients);
            clock.addAndGet(Duration.ofSeconds(3).toNanos());
        }

        long[] read() throws IOException {
            long[] reading = readings.poll();
            if (fails.poll()) throw new IOException("node 2 did not answer");
            return reading;
        }
    }
}
