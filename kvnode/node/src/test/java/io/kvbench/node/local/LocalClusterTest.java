package io.kvbench.node.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launcher's two backends start nodes from the same options into the same layout and call them ready by the same
 * rule; a node that dies while starting fails the start with its output, and leaves nothing running; a detached
 * cluster's processes outlive the object. (Faults on real processes: chaos's LocalKvClusterTest.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalClusterTest {
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    @Test
    void inProcessNodesRunTheOptionsAChildProcessWouldGetInTheSameLayout() throws Exception {
        LocalClusterSpec spec = LocalClusterSpec.builder().heartbeatMillis(40).fsync("none").auditWrites(false).inProcess().build();
        try (LocalCluster cluster = LocalCluster.start(spec, directory)) {
            int leader = cluster.awaitLeader(LEADER_TIMEOUT).nodeId();
            for (int id : cluster.nodeIds()) {
                assertThat(cluster.config(id).heartbeatIntervalMillis()).isEqualTo(40);
                assertThat(cluster.config(id).clusterId()).isEqualTo(spec.clusterId());
                assertThat(cluster.config(id).dataDirectory()).isEqualTo(directory.resolve("n" + id).resolve("data"));
                assertThat(cluster.eventLog(id)).isEqualTo(directory.resolve("n" + id).resolve("events.jsonl")).exists();
                assertThat(cluster.status(id)).hasValueSatisfying(status -> assertThat(status.nodeId()).isEqualTo(id));
            }
            assertThat(cluster.pid(leader)).isEqualTo(ProcessHandle.current().pid());
            assertThatThrownBy(() -> cluster.commandLine(leader)).isInstanceOf(IllegalStateException.class);

            assertThat(cluster.kill(leader)).isPresent();
            assertThat(cluster.isRunning(leader)).isFalse();
            assertThat(cluster.status(leader)).isEmpty();
            assertThat(cluster.awaitLeader(LEADER_TIMEOUT).nodeId()).isNotEqualTo(leader);
            cluster.start(leader);
            assertThat(cluster.runtime(leader).status().nodeId()).isEqualTo(leader);
        }
    }

    @Test
    void processesAreReadyWhenTheyAnswerAStatusRequestAndDetachedOnesOutliveTheObject() throws Exception {
        LocalClusterSpec spec = LocalClusterSpec.builder().nodeCount(1).auditWrites(false).build();
        long pid;
        try (LocalCluster cluster = LocalCluster.start(spec, directory)) {
            assertThat(cluster.commandLine(1)).startsWith(LocalCluster.javaBinary())
                    .containsSequence(NodeJvmOptions.split(NodeJvmOptions.FAILOVER))
                    .containsSequence(LocalCluster.NODE_MAIN_CLASS, "run", "--id", "1")
                    .containsSequence("--data-dir", directory.resolve("n1").resolve("data").toString())
                    .containsSequence(spec.nodeArguments());
            assertThat(cluster.status(1)).hasValueSatisfying(status -> assertThat(status.nodeId()).isEqualTo(1));
            assertThat(cluster.awaitLeader(LEADER_TIMEOUT).nodeId()).isEqualTo(1);
            assertThat(Files.readString(cluster.logFile(1))).contains("kvnode 1 ready");
            pid = cluster.pid(1);
            cluster.detach();
        }
        ProcessHandle node = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("the detached node stopped"));
        try {
            assertThat(node.isAlive()).isTrue();
        } finally {
            node.destroyForcibly();
            node.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    /** kvnode takes each option once: an extra argument naming one of the spec's options replaces it. */
    @Test
    void anExtraNodeArgumentReplacesTheSpecsOwnOptionOfThatName() {
        LocalClusterSpec spec = LocalClusterSpec.builder().auditWrites(true)
                .extraNodeArguments(List.of("--tick-ms=5", "--fsync", "none", "--append-acks=per-turn")).build();
        assertThat(spec.nodeArguments()).doesNotContain("--tick-ms", "always").endsWith("--tick-ms=5", "--fsync", "none",
                "--append-acks=per-turn").contains("--audit-writes", "--heartbeat-ms");
        assertThat(LocalClusterSpec.builder().build().nodeArguments()).containsSequence("--tick-ms", "1");
    }

    @Test
    void aNodeThatExitsWhileStartingFailsTheStartWithItsOutputAndNothingIsLeftRunning() throws Exception {
        LocalClusterSpec spec = LocalClusterSpec.builder().nodeCount(2).auditWrites(false)
                .extraNodeArguments(List.of("--no-such-option")).build();
        assertThatThrownBy(() -> LocalCluster.start(spec, directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("n1 stopped while starting: exit code 2")
                .hasMessageContaining(directory.resolve("n1").resolve("node.log").toString())
                .hasMessageContaining("Unknown option: '--no-such-option'"); // the node's one-line usage error
        assertThat(Files.readString(directory.resolve("n1").resolve("node.log"))).contains("Unknown option: '--no-such-option'");
        assertThat(ProcessHandle.current().children().filter(child -> commandLineOf(child).contains(spec.clusterId())))
                .isEmpty();
    }

    /** From /proc: {@code ProcessHandle.Info.commandLine()} is empty for a JVM whose class path makes the line long. */
    private static String commandLineOf(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"),
                    java.nio.charset.StandardCharsets.ISO_8859_1).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }
}
