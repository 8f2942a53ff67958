package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tiny git repository for the tests: commits of shell scripts standing in for a build and a scenario. */
final class GitTestRepository {

    private final Path root;

    GitTestRepository(Path root) throws IOException, InterruptedException {
        this.root = Files.createDirectories(root);
        git("init", "-q");
    }

    Path root() {
        return root;
    }

    /** Writes {@code scenario.sh}, commits it and returns the commit. */
    String commitScenario(String script, String message) throws IOException, InterruptedException {
        Files.writeString(root.resolve("scenario.sh"), script);
        git("add", "scenario.sh");
        git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", message);
        return git("rev-parse", "HEAD").strip();
    }

    String git(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
