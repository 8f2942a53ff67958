package io.kvbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kvbench cluster run}: a cluster file's command for each node, in id order; exit 1 if any fails, 2 on bad use. */
class ClusterRunCommandTest {
    @TempDir
    Path directory;

    private String errors;
    private String output;

    private int run(String... arguments) {
        CommandLine commandLine = KvbenchMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        String[] all = new String[arguments.length + 2];
        all[0] = "cluster";
        all[1] = "run";
        System.arraycopy(arguments, 0, all, 2, arguments.length);
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return commandLine.execute(all);
        } finally {
            System.setOut(stdout);
            output = captured.toString(StandardCharsets.UTF_8);
            errors = err.toString();
        }
    }

    /** An etcd file whose start appends the member's name to {@code started.txt}; node 2's kill fails. */
    private Path clusterFile() throws Exception {
        Path log = directory.resolve("started.txt");
        Path file = directory.resolve("c.json");
        Files.writeString(file, """
                {"target": "etcd", "timing": {"electionTimeoutMillis": 500, "heartbeatMillis": 50},
                 "commands": {"start": "echo {name} {initialCluster} >> LOG", "stop": "true", "kill": "true", "pause": "true", "resume": "true"},
                 "nodes": [{"id": 2, "client": "127.0.0.1:22379", "peer": "127.0.0.1:22380", "commands": {"kill": "echo no such process >&2; exit 3"}},
                           {"id": 1, "client": "127.0.0.1:12379", "peer": "127.0.0.1:12380"}]}
                """.replace("LOG", log.toString()));
        return file;
    }

    @Test
    void runsTheActionForEachNodeInIdOrder() throws Exception {
        Path file = clusterFile();
        assertThat(run("--cluster-file", file.toString(), "start")).isEqualTo(KvbenchMain.EXIT_OK);
        assertThat(Files.readAllLines(directory.resolve("started.txt"))).containsExactly(
                "etcd1 etcd1=http://127.0.0.1:12380,etcd2=http://127.0.0.1:22380",
                "etcd2 etcd1=http://127.0.0.1:12380,etcd2=http://127.0.0.1:22380");
        assertThat(output.lines().toList()).hasSize(2).allMatch(line -> line.matches("node [12] start: exit 0 \\(\\d+ ms\\)"));

        assertThat(run("--cluster-file", file.toString(), "--node", "1", "start")).isEqualTo(KvbenchMain.EXIT_OK);
        assertThat(Files.readAllLines(directory.resolve("started.txt"))).hasSize(3).last().asString().startsWith("etcd1 ");
    }

    @Test
    void aFailingCommandIsReportedAndFailsTheRun() throws Exception {
        assertThat(run("--cluster-file", clusterFile().toString(), "kill")).isEqualTo(KvbenchMain.EXIT_CHECK_FAILED);
        List<String> lines = output.lines().toList();
        assertThat(lines.get(0)).matches("node 1 kill: exit 0 \\(\\d+ ms\\)");
        assertThat(lines.get(1)).matches("node 2 kill: exit 3 \\(\\d+ ms\\): no such process");
    }

    @Test
    void badUsesStopBeforeAnyCommandRuns() throws Exception {
        Path file = clusterFile();
        assertThat(run("--cluster-file", file.toString(), "restart")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).startsWith("kvbench: ACTION must be one of start, stop, kill, pause, resume, isolate, rejoin, status, not 'restart'");
        assertThat(run("--cluster-file", file.toString(), "--node", "3", "start")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: --node 3: " + file + " has no node 3 (ids 1, 2)" + System.lineSeparator());
        assertThat(run("--cluster-file", file.toString(), "isolate")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: " + file + " gives no 'isolate' command for node 1" + System.lineSeparator());
        assertThat(Files.exists(directory.resolve("started.txt"))).isFalse();
    }
}
