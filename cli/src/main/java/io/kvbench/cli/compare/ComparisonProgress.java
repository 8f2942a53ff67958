package io.kvbench.cli.compare;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a comparison on stderr: the estimate before it starts, then one line per step with the time spent
 * and the ETA. The ETA scales the remaining steps' estimates by how long the finished ones took against their
 * estimates, so a slow machine's ETA grows after the first steps instead of staying optimistic.
 */
final class ComparisonProgress {

    private final PrintWriter output;
    private final List<Double> estimates;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private int finished;
    private double finishedEstimate;

    ComparisonProgress(PrintWriter output, List<Double> stepEstimatesSeconds, LongSupplier nanoClock) {
        this.output = output;
        this.estimates = List.copyOf(stepEstimatesSeconds);
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    double estimatedTotalSeconds() {
        return estimates.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Announces the next step: "[k/N] what, elapsed 1m05s, ETA 7m40s". */
    void starting(String what) {
        String eta = finished == 0 ? "ETA " + duration(estimatedTotalSeconds()) + " (estimate)"
                : "ETA " + duration(remainingSeconds());
        output.printf(Locale.ROOT, "compare: [%d/%d] %s; elapsed %s, %s%n", finished + 1, estimates.size(), what,
                duration(elapsedSeconds()), eta);
        output.flush();
    }

    void finishedStep() {
        finishedEstimate += estimates.get(finished);
        finished++;
    }

    double elapsedSeconds() {
        return (nanoClock.getAsLong() - startNanos) / 1e9;
    }

    /** The remaining steps' estimates, scaled by actual / estimated time so far. */
    double remainingSeconds() {
        double remaining = 0;
        for (int step = finished; step < estimates.size(); step++) {
            remaining += estimates.get(step);
        }
        double pace = finishedEstimate > 0 ? elapsedSeconds() / finishedEstimate : 1.0;
        return remaining * pace;
    }

    static String duration(double seconds) {
        Duration duration = Duration.ofMillis(Math.round(Math.max(0, seconds) * 1000));
        return String.format(Locale.ROOT, "%dm%02ds", duration.toMinutes(), duration.toSecondsPart());
    }
}
