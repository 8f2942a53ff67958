package io.kvbench.bench.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JitWarmupTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        assertThat(JitWarmup.quiet(new long[] {-1, 100}, new long[] {-1, 1000})).isFalse();
        assertThatThrownBy(() -> JitWarmup.quiet(new long[] {1}, new long[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void largestGrowthIsTheBusiestNodesAndIgnoresNodesWithoutATotal() throws Exception {
        JsonNode before = JSON.readTree("[{\"jitCompileMillis\":100},{\"jitCompileMillis\":200},{}]");
        JsonNode after = JSON.readTree("[{\"jitCompileMillis\":130},{\"jitCompileMillis\":290},{\"jitCompileMillis\":9999}]");
        assertThat(JitWarmup.largestGrowthMillis(before, after)).isEqualTo(90);
        assertThat(JitWarmup.largestGrowthMillis(before, before)).isZero();
    }
}
