package io.kvbench.chaos.netns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs iproute2 commands ({@code ip}, {@code tc}) and waits for them. {@link #run} turns a non-zero exit into an
 * IOException that quotes the command line and its stderr, so a failed setup says which step failed and why.
 * {@link #batch} feeds many commands to one process ({@code -batch -}): on a loaded machine each {@code tc} start
 * costs tens of milliseconds, and a partition's filters should take effect together, not one fork apart;
 * {@link #startBatch} pays that start ahead of time.
 */
public final class IpCommand {
    /** iproute2 commands return in milliseconds; a command still running after this is stuck. */
    private static final long TIMEOUT_SECONDS = 20;
    /** How iproute2's batch mode names the failing line of its stdin. */
    private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");

    /** What one command printed and how it exited. */
    public record Result(List<String> command, List<String> input, int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** The command (and in a batch the failing line) with its stderr, for error messages. */
        public String describe() {
            StringBuilder text = new StringBuilder("`").append(String.join(" ", command)).append("` failed (exit ")
                    .append(exitCode).append(")");
            Matcher failed = FAILED_LINE.matcher(stderr);
            while (failed.find()) {
                int line = Integer.parseInt(failed.group(1));
                if (line >= 1 && line <= input.size()) text.append(" at `").append(input.get(line - 1)).append("`");
            }
            if (!stderr.isBlank()) text.append(": ").append(stderr.strip().replace('\n', ' '));
            return text.toString();
        }
    }

    private IpCommand() {
    }

    /** Runs the command; its stdout on success, else an IOException with the command's stderr. */
    public static String run(String... command) throws IOException {
        Result result = attempt(command);
        if (!result.succeeded()) throw new IOException(result.describe());
        return result.stdout();
    }

    /**
     * Runs the command and returns how it went, failed or not. Throws only when it cannot run at all (the program
     * is missing, or it hangs).
     */
    public static Result attempt(String... command) throws IOException {
        return execute(List.of(command), List.of());
    }

    /**
     * Runs {@code program... -batch -} with one command a line on stdin, e.g. {@code batch(List.of("tc"), lines)}
     * or {@code batch(List.of("ip", "-n", namespace), lines)}; stops at the first failing line and throws, naming it.
     */
    public static void batch(List<String> program, List<String> lines) throws IOException {
        List<String> command = new ArrayList<>(program);
        command.addAll(List.of("-batch", "-"));
        Result result = execute(command, lines);
        if (!result.succeeded()) throw new IOException(result.describe());
    }

    /** Like {@link #batch} with {@code -force}: every line runs even after a failure; the caller reads the result. */
    public static Result attemptBatch(List<String> program, List<String> lines) throws IOException {
        List<String> command = new ArrayList<>(program);
        command.addAll(List.of("-force", "-batch", "-"));
        return execute(command, lines);
    }

    /**
     * Starts {@code program... -batch -} now and lets it wait for its commands on stdin, so that a later
     * {@link StartedBatch#submit} pays no process start: what a fault injection needs to take effect at once.
     */
    public static StartedBatch startBatch(List<String> program) throws IOException {
        List<String> command = new ArrayList<>(program);
        command.addAll(List.of("-batch", "-"));
        return new StartedBatch(command);
    }

    private static Result execute(List<String> command, List<String> input) throws IOException {
        return new StartedBatch(command).submit(input);
    }

    /** A started command waiting for its stdin; {@link #submit} once, or {@link #close} to let it exit unused. */
    public static final class StartedBatch implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Drain stdout;
        private final Drain stderr;
        private boolean used;

        private StartedBatch(List<String> command) throws IOException {
            this.command = List.copyOf(command);
            try {
                process = new ProcessBuilder(command).start();
            } catch (IOException e) {
                throw new IOException("cannot run `" + command.get(0) + "` (is iproute2 installed and on the PATH?): " + e.getMessage(), e);
            }
            // both streams are drained while the command runs, so a chatty command cannot block on a full pipe
            stdout = new Drain(process.getInputStream());
            stderr = new Drain(process.getErrorStream());
        }

        /** Writes the lines to stdin, closes it, waits for the exit. */
        public synchronized Result submit(List<String> input) throws IOException {
            if (used) throw new IllegalStateException("`" + String.join(" ", command) + "` already ran");
            used = true;
            try (OutputStream stdin = process.getOutputStream()) {
                StringBuilder text = new StringBuilder();
                for (String line : input) text.append(line).append('\n');
                stdin.write(text.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the command exited early (a failed batch line); its exit code and stderr tell why
            }
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("`" + String.join(" ", command) + "` did not return within " + TIMEOUT_SECONDS + " s");
                }
                return new Result(command, List.copyOf(input), process.exitValue(), stdout.text(), stderr.text());
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted running `" + String.join(" ", command) + "`", e);
            }
        }

        /** True while it can still take its commands. */
        public synchronized boolean isReady() {
            return !used && process.isAlive();
        }

        /** An unused batch gets an empty stdin and exits by itself; one that does not is killed. */
        @Override
        public synchronized void close() {
            if (used) return;
            used = true;
            try {
                process.getOutputStream().close();
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads one stream to its end on a daemon thread. */
    private static final class Drain {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        Drain(InputStream stream) {
            thread = new Thread(() -> {
                try (stream) {
                    stream.transferTo(bytes);
                } catch (IOException e) {
                    // the process is gone; what was read so far is all there is
                }
            }, "ip-command-output");
            thread.setDaemon(true);
            thread.start();
        }

        String text() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
