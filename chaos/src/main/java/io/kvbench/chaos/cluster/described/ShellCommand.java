package io.kvbench.chaos.cluster.described;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs one command through {@code /bin/sh -c}, bounded by a timeout. Output goes to temporary files, not pipes:
 * a command that starts a node in the background ({@code java ... &}) would otherwise keep the pipe open for as
 * long as the node lives, and reading it would never end. Standard input is {@code /dev/null} (ssh reads it
 * otherwise).
 */
public final class ShellCommand {
    private static final int ERROR_TEXT_MAX_CHARS = 400;

    private ShellCommand() {
    }

    /** What a command did. */
    public record Result(String command, int exitCode, String stdout, String stderr, Duration elapsed) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Runs the command and returns its result whatever its exit code; throws IOException if it cannot be started
     * or outlives the timeout (then it and every process it started that is still attached to it are killed).
     */
    public static Result run(String command, Duration timeout) throws IOException {
        Path stdout = Files.createTempFile("kvbench-cmd-", ".out");
        Path stderr = Files.createTempFile("kvbench-cmd-", ".err");
        try {
            long startNanos = System.nanoTime();
            Process process = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            boolean exited;
            try {
                exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                destroyTree(process);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted running `" + command + "`", e);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            if (!exited) {
                destroyTree(process);
                throw new IOException("`" + command + "` did not finish within " + timeout.toMillis() + " ms; killed it"
                        + describeOutput(Files.readString(stderr, StandardCharsets.UTF_8)));
            }
            return new Result(command, process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8), elapsed);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** Runs the command and throws IOException, with its exit code and standard error on one line, unless it exits 0. */
    public static Result runChecked(String what, String command, Duration timeout) throws IOException {
        Result result;
        try {
            result = run(command, timeout);
        } catch (IOException e) {
            throw new IOException(what + ": " + e.getMessage(), e);
        }
        if (!result.succeeded()) {
            throw new IOException(what + ": `" + command + "` exited " + result.exitCode()
                    + describeOutput(result.stderr().isBlank() ? result.stdout() : result.stderr()));
        }
        return result;
    }

    private static String describeOutput(String output) {
        String line = output.lines().map(String::strip).filter(text -> !text.isEmpty()).collect(Collectors.joining(" | "));
        if (line.isEmpty()) return "";
        if (line.length() > ERROR_TEXT_MAX_CHARS) line = "..." + line.substring(line.length() - ERROR_TEXT_MAX_CHARS);
        return ": " + line;
    }

    /** The shell first, so that it cannot report its children's deaths; they are listed before it dies and they are orphaned. */
    private static void destroyTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
