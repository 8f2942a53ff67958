package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One run of the workload being compared, against the build in {@code worktree}, writing its results files
 * (summary.csv, elections.csv, ...) into {@code outDir}, which exists and is empty. Throws when the run fails;
 * the comparison then stops (a missing run would bias the sample). A run that ran and wrote its results but
 * whose own check failed (a load with errors, a campaign whose checker failed) throws {@link CheckFailed}: its
 * figures count, the comparison goes on, and says so.
 */
@FunctionalInterface
public interface Scenario {
    void run(Path worktree, Path outDir) throws IOException, InterruptedException;

    /** The run's results are complete, but its own check failed: the message says which and where. */
    final class CheckFailed extends IOException {
        public CheckFailed(String message) {
            super(message);
        }
    }
}
