package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ComparisonProgressTest {

    @Test
    void theEtaScalesTheRemainingEstimatesByThePaceSoFar() {
        AtomicLong nanos = new AtomicLong();
        StringWriter text = new StringWriter();
        ComparisonProgress progress = new ComparisonProgress(new PrintWriter(text, true), List.of(30.0, 30.0, 10.0,
                10.0), nanos::get);

        progress.starting("build A");
        nanos.addAndGet(60_000_000_000L); // the first step took twice its estimate
        progress.finishedStep();
        progress.starting("build B");

        assertThat(progress.estimatedTotalSeconds()).isEqualTo(80.0);
        assertThat(text.toString().lines()).containsExactly(
                "compare: [1/4] build A; elapsed 0m00s, ETA 1m20s (estimate)",
                "compare: [2/4] build B; elapsed 1m00s, ETA 1m40s");
    }
}
