package io.kvbench.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.bench.target.NoopTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A run in the background lasts until stopped, not its allowed duration, and says so in its files. */
class BackgroundLoadTest {

    private static final double RATE_PER_SECOND = 500;

    /** Paced by a sender thread (a target without a loop) and on the target's loop (kvnode's and etcd's case). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @Timeout(30)
    void runsUntilStoppedThenDrainsAndWritesTheDurationItRan(boolean targetHasALoop, @TempDir Path directory) throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(RATE_PER_SECOND).duration(Duration.ofHours(1))
                .warmup(Duration.ofMillis(200)).seed(3).build();
        LoadSummary summary;
        long stoppedAfterMeasureStartNanos;
        long finishTookNanos;
        try (NoopTarget target = targetHasALoop ? NoopTarget.withLoop() : new NoopTarget()) {
            target.open();
            BackgroundLoad load = LoadGenerator.start(spec, target, directory);
            Path timeseries = directory.resolve("timeseries.csv");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // Two whole intervals logged (header + 2 rows): the run is measuring, in the background.
            while (!Files.exists(timeseries) || Files.readAllLines(timeseries).size() < 3) {
                assertThat(System.nanoTime() - deadline).as("two intervals logged within 20 s").isNegative();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            stoppedAfterMeasureStartNanos = System.nanoTime() - load.measureStartNanos();
            long finishStartNanos = System.nanoTime();
            summary = load.finish();
            finishTookNanos = System.nanoTime() - finishStartNanos;
        }
        // Stopping ends the sending at once; the run then waits for what is outstanding (nothing, here) and at most a
        // reporting tick. Not the hour it was allowed, nor an operation timeout.
        assertThat(finishTookNanos).isLessThan(TimeUnit.SECONDS.toNanos(3));
        assertThat(new ObjectMapper().readTree(directory.resolve("run.json").toFile()).path("parameters")
                .path("pacing").asText()).isEqualTo(targetHasALoop ? "event-loop" : "threads");
        double ranSeconds = stoppedAfterMeasureStartNanos / 1e9;
        assertThat(summary.durationSeconds()).isBetween(2.0, ranSeconds + 0.5);
        // Every request intended before the stop was sent and answered: the rate times the time it ran.
        assertThat((double) summary.count()).isCloseTo(RATE_PER_SECOND * summary.durationSeconds(),
                within(0.05 * RATE_PER_SECOND * summary.durationSeconds()));
        assertThat(summary.timeouts()).isZero();
        double recordedSeconds = new ObjectMapper().readTree(directory.resolve("run.json").toFile())
                .path("parameters").path("durationSeconds").asDouble();
        assertThat(recordedSeconds).isCloseTo(summary.durationSeconds(), within(0.5));
        for (String file : new String[] {"summary.csv", "latency.hgrm", "latency.hlog", "timeseries.csv"}) {
            assertThat(directory.resolve(file)).isNotEmptyFile();
        }
    }
}
