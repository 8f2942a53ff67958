package io.kvbench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** {@code results/<version>/<scenario>/<timestamp>/}: every run in its own folder, named so runs sort by time. */
public final class ResultsLayout {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ResultsLayout() {
    }

    public static Path newRun(Path resultsRoot, String scenario) throws IOException {
        Path run = runPath(resultsRoot, scenario);
        Files.createDirectories(run);
        return run;
    }

    /** Where {@link #newRun} would put a run started now, not made yet. */
    static Path runPath(Path resultsRoot, String scenario) {
        String version = Git.describe(Home.directory());
        if (version.isEmpty()) version = "dev";
        return resultsRoot.resolve(version).resolve(scenario).resolve(STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)));
    }

    public static Path defaultRoot() {
        return Home.directory().resolve("results");
    }
}
