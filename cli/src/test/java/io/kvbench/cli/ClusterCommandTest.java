package io.kvbench.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kvbench cluster start|status|stop} on real processes: the nodes start through the launcher into its layout,
 * outlive the start command, answer status and stop by the pids recorded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterCommandTest {
    @TempDir
    Path directory;
    private final List<ProcessHandle> started = new ArrayList<>();
    private String errors;

    @AfterEach
    void killWhatIsLeft() {
        for (ProcessHandle node : started) node.destroyForcibly();
    }

    @Test
    void startedNodesOutliveTheCommandAnswerStatusAndStop() throws Exception {
        Path clusterFile = directory.resolve("cluster-file.json");
        String out = run("cluster", "start", "--nodes", "3", "--dir", directory.toString(), "--write-cluster-file",
                clusterFile.toString());
        ClusterCommand.ClusterState state = ClusterCommand.load(directory);
        for (ClusterCommand.NodeEntry node : state.nodes()) ProcessHandle.of(node.pid()).ifPresent(started::add);

        assertThat(out).contains("cluster of 3 started, leader node ").contains("client addresses: " + state.clientAddresses());
        assertThat(started).hasSize(3).allMatch(ProcessHandle::isAlive);
        for (ClusterCommand.NodeEntry node : state.nodes()) {
            Path nodeDirectory = directory.toAbsolutePath().resolve("n" + node.id());
            assertThat(node.dataDir()).isEqualTo(nodeDirectory.resolve("data").toString());
            assertThat(Files.readString(Path.of(node.log()))).contains("kvnode " + node.id() + " ready");
            assertThat(Files.readString(nodeDirectory.resolve("node.pid")).trim()).isEqualTo(Long.toString(node.pid()));
        }
        assertThat(Files.readString(clusterFile)).contains(directory.toAbsolutePath().resolve("n1").resolve("events.jsonl").toString());

        String status = run("cluster", "status", "--dir", directory.toString());
        assertThat(status.lines()).hasSize(3).allMatch(line -> line.contains("\"role\":"));

        assertThat(run("cluster", "stop", "--dir", directory.toString())).contains("stopped 3 nodes");
        for (ProcessHandle node : started) node.onExit().get(15, TimeUnit.SECONDS);
        assertThat(directory.resolve("cluster.json")).doesNotExist();
        assertThat(directory.resolve("n1").resolve("node.pid")).doesNotExist();
    }

    /** Runs a kvbench command in this JVM; its standard output, after asserting it exited 0. */
    private String run(String... arguments) {
        CommandLine commandLine = KvbenchMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exitCode;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exitCode = commandLine.execute(arguments);
        } finally {
            System.setOut(stdout);
        }
        errors = err.toString();
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as("%s: %s%s", String.join(" ", arguments), out, errors).isZero();
        return out;
    }
}
