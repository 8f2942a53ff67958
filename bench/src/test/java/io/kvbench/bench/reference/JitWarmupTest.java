package io.kvbench.bench.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitWarmupTest {

    @Test
    void aClusterIsQuietOnlyWhenNoNodeCompiledMoreThanTheBudgetInTheRound() {
        long budget = JitWarmup.QUIET_MILLIS_PER_ROUND;
        assertThat(JitWarmup.quiet(new long[] {1000, 2000, 3000}, new long[] {1000, 2000 + budget, 3010})).isTrue();
        assertThat(JitWarmup.quiet(new long[] {1000, 2000, 3000}, new long[] {1000, 2000 + budget + 1, 3000})).isFalse();
        assertThat(JitWarmup.quiet(new long[] {0, 0, 0}, new long[] {5000, 0, 0})).isFalse();
    }

    @Test
    void aNodeThatReportsNoTotalCannotHoldTheWarmUpBack() {
        assertThat(JitWarmup.quiet(new long[] {-1, 100}, new long[] {-1, 120})).isTrue();
        assertThat(JitWarmup.quiet(new long[] {100, 100}, new long[] {-1, 120})).isTrue();
        assertThat(JitWarmup.quiet(new long[] {-1, 100}, new long[] {-1, 1000})).isFalse();
    }
}
