package io.kvbench.bench.proc;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessStatesTest {
    @Test
    void aRunningProcessIsNotStoppedUntilSigstopLands() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            assertThat(ProcessStates.awaitStopped(sleeper.pid(), Duration.ofMillis(50))).as("sleeping, not stopped").isFalse();
            signal("STOP", sleeper.pid());
            assertThat(ProcessStates.awaitStopped(sleeper.pid(), Duration.ofSeconds(10))).isTrue();
            signal("CONT", sleeper.pid());
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(ProcessStates.awaitStopped(sleeper.pid(), Duration.ofMillis(50))).as("gone").isFalse();
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(pid)).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
