package io.kvbench.chaos.cluster.described;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShellCommandTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void runsThroughShAndKeepsBothOutputs() throws IOException {
        ShellCommand.Result result = ShellCommand.run("echo out; echo err >&2; exit 3", TIMEOUT);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.succeeded()).isFalse();
    }

    @Test
    void aFailedCheckedCommandSaysWhatExitCodeAndStderrOnOneLine() {
        assertThatThrownBy(() -> ShellCommand.runChecked("node 2 kill", "echo 'no such process' >&2; echo more >&2; exit 1", TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessage("node 2 kill: `echo 'no such process' >&2; echo more >&2; exit 1` exited 1: no such process | more");
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilled() {
        long startNanos = System.nanoTime();
        assertThatThrownBy(() -> ShellCommand.runChecked("node 1 stop", "echo starting >&2; sleep 30", Duration.ofMillis(300)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("node 1 stop: `echo starting >&2; sleep 30` did not finish within 300 ms; killed it: starting")
                .hasMessageNotContaining("\n");
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(10));
    }

    /** With pipes, the background process would hold the output open and the call would wait for it to exit. */
    @Test
    void aCommandThatLeavesAProcessInTheBackgroundReturnsAtOnce() throws IOException {
        ShellCommand.Result result = ShellCommand.runChecked("start", "sleep 30 & echo $!", TIMEOUT);
        long pid = Long.parseLong(result.stdout().trim());
        Optional<ProcessHandle> background = ProcessHandle.of(pid);
        try {
            assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(10));
            assertThat(background).hasValueSatisfying(handle -> assertThat(handle.isAlive()).isTrue());
        } finally {
            background.ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
