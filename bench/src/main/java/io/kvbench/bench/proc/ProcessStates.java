package io.kvbench.bench.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What /proc says of a process's threads. kill(2) with SIGSTOP returns before the target has stopped: each of its
 * threads stops when it next passes through the kernel's signal path, so on a busy machine a "paused" node can
 * still run for a while, read a request, send a message. A pause that must have landed when the call returns
 * waits until every thread shows state T.
 */
public final class ProcessStates {
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private ProcessStates() {
    }

    /**
     * Waits until every thread of {@code pid} is stopped, or {@code timeout} passes (a thread in an uninterruptible
     * disk wait stops only when that I/O ends). False on timeout, if the process is gone, or where /proc cannot be
     * read.
     */
    public static boolean awaitStopped(long pid, Duration timeout) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Boolean> stopped = allThreadsStopped(tasks);
            if (stopped.isEmpty()) return false;
            if (stopped.get()) return true;
            if (System.nanoTime() - deadline > 0) return false;
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Empty when the task directory cannot be read (no /proc, or the process is gone). */
    static Optional<Boolean> allThreadsStopped(Path tasks) {
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            boolean any = false;
            for (Path thread : threads) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (NoSuchFileException e) {
                    continue; // the thread exited meanwhile
                }
                any = true;
                // Field 3, after the command name in parentheses (which may itself hold spaces or parentheses).
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'T' && state != 't') return Optional.of(false);
            }
            return any ? Optional.of(true) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
