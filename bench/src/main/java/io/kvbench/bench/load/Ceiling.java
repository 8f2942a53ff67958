package io.kvbench.bench.load;

import io.kvbench.bench.target.NoopTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The generator's own ceiling: the rate it reaches against {@link NoopTarget}, which answers at once. A
 * target measured near this rate is measuring the generator (wrk2's README makes the same point about
 * checking the load tool before trusting its numbers).
 */
public final class Ceiling {

    private Ceiling() {
    }

    /**
     * Runs {@code spec}'s key, value and mix settings closed-loop against {@link NoopTarget} for
     * {@code duration} (after a 1 s warm-up) and returns the achieved operations per second. Paced as {@code spec}
     * says: with {@link LoadPacing#TARGET_EVENT_LOOP}, on a loop of the noop target's own, as the real targets offer.
     */
    public static double measureOperationsPerSecond(LoadSpec spec, Duration duration, Path outputDirectory)
            throws IOException {
        LoadSpec closedLoop = spec.toBuilder().mode(LoadMode.CLOSED_LOOP).duration(duration)
                .warmup(Duration.ofSeconds(1)).build();
        try (NoopTarget target = spec.pacing() == LoadPacing.TARGET_EVENT_LOOP ? NoopTarget.withLoop() : new NoopTarget()) {
            target.open();
            return LoadGenerator.run(closedLoop, target, outputDirectory).achievedRatePerSecond();
        }
    }
}
