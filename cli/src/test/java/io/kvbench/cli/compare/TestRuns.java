package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Path;

/** Result folders for tests outside this package (ResultFolders is package-private). */
public final class TestRuns {

    private TestRuns() {
    }

    /** A closed-loop load run (summary.csv and run.json) of {@code target} at {@code clients}. */
    public static void peakRun(Path folder, String target, int clients, double achievedRate, String commit)
            throws IOException {
        ResultFolders.peakRun(folder, target, clients, achievedRate, 900, commit);
    }
}
