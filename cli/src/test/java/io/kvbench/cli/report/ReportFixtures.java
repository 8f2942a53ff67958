package io.kvbench.cli.report;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Small run folders of each kind (src/test/resources/report/KIND), copied where a test may write its page. */
final class ReportFixtures {
    static final List<String> KINDS = List.of("load", "chaos", "demo", "compare", "sweep");

    private ReportFixtures() {
    }

    static Path copy(String kind, Path into) throws IOException, URISyntaxException {
        Path source = Path.of(ReportFixtures.class.getResource("/report/" + kind).toURI());
        Path target = into.resolve(kind);
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
        return target;
    }
}
