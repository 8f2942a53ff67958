package io.kvbench.cli.compare;

import java.nio.file.Path;

/**
 * One figure of one run: the round it belongs to (the run's first folder below the side's directory, e.g.
 * {@code run-3}), the run's configuration, the metric and its value, the folder or file it was read from, and
 * the commit the run measured ("" when not recorded).
 */
public record Measurement(String round, Configuration configuration, Metric metric, double value, Path source,
        String commit) {
}
