package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A scratch git repository for the tests (never the project's own): commits of files standing in for a build. */
public final class GitTestRepository {

    private final Path root;

    public GitTestRepository(Path root) throws IOException, InterruptedException {
        this.root = Files.createDirectories(root);
        git("init", "-q");
        git("config", "user.name", "test");
        git("config", "user.email", "test@example.invalid");
        git("config", "commit.gpgsign", "false");
        git("config", "tag.gpgsign", "false");
    }

    public Path root() {
        return root;
    }

    /** Writes {@code scenario.sh}, commits it and returns the commit. */
    public String commitScenario(String script, String message) throws IOException, InterruptedException {
        return commitFile("scenario.sh", script, message);
    }

    /** Writes a file, commits it and returns the commit. */
    public String commitFile(String name, String content, String message) throws IOException, InterruptedException {
        Files.writeString(root.resolve(name), content);
        git("add", name);
        git("commit", "-q", "-m", message);
        return git("rev-parse", "HEAD").strip();
    }

    public String git(String... arguments) throws IOException, InterruptedException {
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
