package io.kvbench.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the checkout is: {@code KVBENCH_HOME} (set by the ./kvbench launcher), else two levels above the jar
 * (cli/target/kvbench.jar), else the working directory.
 */
public final class Home {
    private Home() {
    }

    public static Path directory() {
        String fromEnvironment = System.getenv("KVBENCH_HOME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) return Path.of(fromEnvironment).toAbsolutePath();
        try {
            Path jar = Path.of(Home.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = jar.getParent() == null ? null : jar.getParent().getParent();
            if (candidate != null && candidate.getParent() != null && Files.exists(candidate.getParent().resolve("plot.py"))) {
                return candidate.getParent();
            }
        } catch (URISyntaxException | SecurityException ignored) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }
}
