package io.kvbench.bench.proc;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Signals Java cannot send itself (STOP, CONT, TERM to a pid it did not start), through kill(1) to one pid. */
public final class Signals {
    /** How long {@link #stop} waits for every thread to freeze (one in a disk wait stops when its I/O ends). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private Signals() {
    }

    /**
     * SIGSTOP, and return once it has landed (or after {@link #STOP_WAIT}): kill(2) returns before the target stops,
     * and until then a "paused" node may still read a request or send a message ({@link ProcessStates}). Returns
     * {@link System#nanoTime()} just after the signal left, where the fault is timed from.
     */
    public static long stop(long pid) throws IOException {
        send("STOP", pid);
        long sentNanos = System.nanoTime();
        ProcessStates.awaitStopped(pid, STOP_WAIT);
        return sentNanos;
    }

    public static void send(String signalName, long pid) throws IOException {
        Process kill = new ProcessBuilder("kill", "-s", signalName, Long.toString(pid)).redirectErrorStream(true).start();
        try {
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IOException("kill -s " + signalName + " " + pid + " did not return");
            }
            if (kill.exitValue() != 0) {
                throw new IOException("kill -s " + signalName + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes()).trim());
            }
        } catch (InterruptedException e) {
            kill.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted sending SIG" + signalName + " to " + pid, e);
        }
    }
}
