package io.kvbench.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The few git facts results carry: sha and {@code git describe}; empty when not in a checkout. */
public final class Git {
    private Git() {
    }

    public static String sha(Path directory) {
        return run(directory, "git", "rev-parse", "HEAD");
    }

    public static String describe(Path directory) {
        return run(directory, "git", "describe", "--tags", "--always", "--dirty");
    }

    static String run(Path directory, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(false).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) return "";
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
