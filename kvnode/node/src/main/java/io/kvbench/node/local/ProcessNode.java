package io.kvbench.node.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** A node as a child process: its command line, its output appended to its log file, stopped by its own pid. */
final class ProcessNode implements LocalNode {
    private static final int LOG_TAIL_LINES = 30;

    private final int id;
    private final Path dataDirectory;
    private final Path logFile;
    private final List<String> command;
    private Process process;

    ProcessNode(int id, Path dataDirectory, Path logFile, List<String> command) {
        this.id = id;
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.command = List.copyOf(command);
    }

    List<String> command() {
        return command;
    }

    @Override
    public synchronized void start() throws IOException {
        if (isRunning()) throw new IllegalStateException("n" + id + " already runs as pid " + process.pid());
        Files.createDirectories(dataDirectory);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        process.getOutputStream().close();
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized long pid() {
        if (process == null) throw new IllegalStateException("n" + id + " was never started");
        return process.pid();
    }

    @Override
    public synchronized OptionalLong kill() throws IOException {
        if (!isRunning()) return OptionalLong.empty();
        process.destroyForcibly();
        long sentNanos = System.nanoTime();
        awaitExit(Duration.ofSeconds(10), "SIGKILL");
        return OptionalLong.of(sentNanos);
    }

    @Override
    public synchronized void terminate(Duration timeout) throws IOException {
        if (!isRunning()) throw new IllegalStateException("n" + id + " is not running");
        process.destroy();
        try {
            awaitExit(timeout, "SIGTERM");
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    @Override
    public synchronized void stop(Duration gracePeriod) {
        if (!isRunning()) return;
        try {
            if (!gracePeriod.isZero()) {
                process.destroy();
                if (process.waitFor(gracePeriod.toMillis(), TimeUnit.MILLISECONDS)) return;
            }
            // SIGKILL works on a stopped (paused) process too
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized String whyStopped() {
        return exitDescription() + "; log " + logFile + ":\n" + logTail();
    }

    @Override
    public synchronized String exitDescription() {
        return process == null ? "never started" : process.isAlive() ? "running" : "exit code " + process.exitValue();
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read: " + e + ")";
        }
    }

    private void awaitExit(Duration timeout, String what) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("n" + id + " (pid " + process.pid() + ") did not exit within " + timeout + " after " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for n" + id + " to exit", e);
        }
    }
}
