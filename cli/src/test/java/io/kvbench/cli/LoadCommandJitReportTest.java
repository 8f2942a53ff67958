package io.kvbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.bench.load.LoadSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadCommandJitReportTest {
    /** 4 s of warm-up and 10 measured: the warning starts above 2 % of 14 s, 280 ms. */
    private static final LoadSpec SPEC = LoadSpec.builder().warmup(Duration.ofSeconds(4)).duration(Duration.ofSeconds(10)).build();

    @Test
    void warnsWhenANodeCompiledForMoreThanTwoPercentOfTheRun() {
        assertThat(LoadCommand.reportNodeJit(SPEC, new long[] {0}, new long[] {281})).isTrue();
        assertThat(LoadCommand.reportNodeJit(SPEC, new long[] {0}, new long[] {280})).isFalse();
        String printed = printed(new long[] {1000, 2000, 3000}, new long[] {1100, 2400, 3050});
        assertThat(printed).contains("grew by 400 ms (summed over its compiler threads) during the run's 14000 ms").contains("warning: the nodes were still compiling");
    }

    @Test
    void aQuietRunGetsTheFigureAndNoWarning() {
        String printed = printed(new long[] {1000, 2000, 3000}, new long[] {1100, 2280, 3050});
        assertThat(printed).contains("grew by 280 ms").doesNotContain("warning");
    }

    @Test
    void nodesThatReportNoTotalGetNoLine() {
        assertThat(printed(new long[] {-1, -1}, new long[] {-1, -1})).isEmpty();
    }

    private static String printed(long[] before, long[] after) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            LoadCommand.reportNodeJit(SPEC, before, after);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
