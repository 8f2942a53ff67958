package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One run of the workload being compared, against the build in {@code worktree}, writing its results files
 * (summary.csv, elections.csv, ...) into {@code outDir}, which exists and is empty. Throws when the run fails;
 * the comparison then stops (a missing run would bias the sample).
 */
@FunctionalInterface
public interface Scenario {
    void run(Path worktree, Path outDir) throws IOException, InterruptedException;
}
