package io.kvbench.chaos.cluster.described;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs a cluster's commands and appends one line per command to a file: when it started, what for, its exit
 * code, how long it took, and the command. The duration matters for reading results: a fault counts from the
 * moment its command is launched, so an ssh round trip before the signal lands is part of the measured time.
 */
final class CommandLog {
    private final Path file;

    CommandLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /**
     * Runs the command; with {@code checked}, a non-zero exit throws IOException (exit code and standard error on
     * one line). A command that cannot start or times out always throws.
     */
    ShellCommand.Result run(String what, String command, Duration timeout, boolean checked) throws IOException {
        Instant startedAt = Instant.now();
        ShellCommand.Result result;
        try {
            result = checked ? ShellCommand.runChecked(what, command, timeout) : ShellCommand.run(command, timeout);
        } catch (IOException e) {
            append(startedAt + "\t" + what + "\tfailed\t" + oneLine(e.getMessage()) + "\n");
            throw e;
        }
        append(startedAt + "\t" + what + "\texit " + result.exitCode() + "\t" + result.elapsed().toMillis() + " ms\t"
                + oneLine(command) + "\n");
        return result;
    }

    private synchronized void append(String line) {
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is for reading afterwards; a full disk must not turn a fault into a failed campaign
        }
    }

    private static String oneLine(String text) {
        return String.valueOf(text).replaceAll("\\s*\\R\\s*", " ");
    }
}
