package io.kvbench.chaos.cluster;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals Java cannot send itself (STOP, CONT), through kill(1) to one pid. */
final class Signals {
    private Signals() {
    }

    static void send(String signalName, long pid) throws IOException {
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
