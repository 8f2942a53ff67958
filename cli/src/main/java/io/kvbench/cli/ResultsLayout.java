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
        String version = Git.describe(Home.directory());
        if (version.isEmpty()) version = "dev";
        Path run = resultsRoot.resolve(version).resolve(scenario).resolve(STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)));
        Files.createDirectories(run);
        return run;
    }

    public static Path defaultRoot() {
        return Home.directory().resolve("results");
    }
}
