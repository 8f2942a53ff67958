package io.kvbench.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The chaos progress line, driven by a fake clock: what it counts, its p50, its ETA and how often it prints. */
class ChaosProgressLineTest {
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Test
    void saysTrialsRecoveredP50AndTimeLeftAtThePaceSoFar() {
        ChaosProgressLine progress = new ChaosProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, nanos::get);
        trial(progress, 1, 4, true, 30.0);
        trial(progress, 2, 4, false, Double.NaN);
        trial(progress, 3, 4, true, 10.0);
        trial(progress, 4, 4, true, 20.0);

        assertThat(printed()).containsExactly(
                "chaos: 1/4 trials, 1 recovered, fault to first ack p50 30.0 ms, ETA 0m06s",
                "chaos: 2/4 trials, 1 recovered, fault to first ack p50 30.0 ms, ETA 0m04s",
                "chaos: 3/4 trials, 2 recovered, fault to first ack p50 10.0 ms, ETA 0m02s",
                "chaos: 4/4 trials, 3 recovered, fault to first ack p50 20.0 ms, done");
    }

    @Test
    void intoAFileItPrintsAboutTwentyLinesForAHundredTrials() {
        ChaosProgressLine progress = new ChaosProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, nanos::get);
        for (int trial = 1; trial <= 100; trial++) trial(progress, trial, 100, true, trial);

        String[] lines = printed();
        assertThat(lines).hasSize(20);
        assertThat(lines[19]).startsWith("chaos: 100/100 trials, 100 recovered, fault to first ack p50 50.0 ms");
    }

    @Test
    void onATerminalItRewritesOneLine() {
        ChaosProgressLine progress = new ChaosProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, nanos::get);
        trial(progress, 1, 2, true, 12.5);
        trial(progress, 2, 2, true, 14.5);

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\rchaos: 1/2 trials").contains("\rchaos: 2/2 trials, 2 recovered").containsPattern("done *\n$");
        assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    private void trial(ChaosProgressLine progress, int done, int total, boolean recovered, double firstAckMillis) {
        nanos.addAndGet(2_000_000_000L);
        progress.trialDone(done, total, recovered, Double.isNaN(firstAckMillis) ? OptionalDouble.empty() : OptionalDouble.of(firstAckMillis));
    }

    private String[] printed() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toArray(String[]::new);
    }
}
