package io.kvbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad uses of {@code kvbench chaos --cluster-file} stop before any node is contacted: exit 2, one line. */
class ChaosCommandClusterFileTest {
    @TempDir
    Path directory;

    private String errors;

    private int chaos(String... arguments) {
        CommandLine commandLine = KvbenchMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        String[] all = new String[arguments.length + 3];
        all[0] = "chaos";
        all[1] = "--out";
        all[2] = directory.resolve("out").toString();
        System.arraycopy(arguments, 0, all, 3, arguments.length);
        int exitCode = commandLine.execute(all);
        errors = err.toString();
        return exitCode;
    }

    @Test
    void aMissingFileIsAUsageError() {
        Path missing = directory.resolve("missing.json");
        assertThat(chaos("--cluster-file", missing.toString())).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: " + missing + ": no such file" + System.lineSeparator());
    }

    @Test
    void aBadEntryIsNamed() throws Exception {
        Path file = directory.resolve("c.json");
        Files.writeString(file, """
                {"target": "kvnode", "timing": {"electionTimeoutMinMillis": 150, "electionTimeoutMaxMillis": 300, "heartbeatMillis": 50},
                 "nodes": [{"id": 1, "client": "127.0.0.1:8001", "peer": "127.0.0.1"}]}
                """);
        assertThat(chaos("--cluster-file", file.toString())).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: " + file + ": node 1: peer '127.0.0.1' is not host:port" + System.lineSeparator());
    }

    @Test
    void anEtcdFileWithAKvnodeFieldIsNamed() throws Exception {
        Path file = directory.resolve("c.json");
        Files.writeString(file, """
                {"target": "etcd", "timing": {"electionTimeoutMillis": 500, "heartbeatMillis": 50},
                 "nodes": [{"id": 1, "client": "127.0.0.1:2379", "peer": "127.0.0.1:2380", "eventLog": "/e.jsonl"}]}
                """);
        assertThat(chaos("--cluster-file", file.toString())).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).startsWith("kvbench: " + file + ": node 1: 'eventLog' is for kvnode files (").endsWith("this file's target is etcd"
                + System.lineSeparator());
    }

    @Test
    void optionsThatShapeALocalClusterCannotBeCombinedWithAFile() {
        assertThat(chaos("--cluster-file", "any.json", "--nodes", "5")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: --nodes cannot be combined with --cluster-file: the file describes the cluster"
                + System.lineSeparator());
    }

    @Test
    void aPartitionFaultNeedsIsolateAndRejoinCommands() throws Exception {
        Path file = directory.resolve("c.json");
        Files.writeString(file, """
                {"target": "kvnode", "timing": {"electionTimeoutMinMillis": 150, "electionTimeoutMaxMillis": 300, "heartbeatMillis": 50},
                 "commands": {"start": "s", "stop": "s", "kill": "k", "pause": "p", "resume": "r"},
                 "nodes": [{"id": 1, "client": "127.0.0.1:8001", "peer": "127.0.0.1:7001"}]}
                """);
        assertThat(chaos("--cluster-file", file.toString(), "--fault", "partition-leader")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).startsWith("kvbench: --fault partition-leader needs isolate and rejoin commands for every node in ");
    }

    @Test
    void aSingleLinkFaultCannotRunOnAClusterFileEvenWithIsolateCommands() throws Exception {
        Path file = directory.resolve("c.json");
        Files.writeString(file, """
                {"target": "kvnode", "timing": {"electionTimeoutMinMillis": 150, "electionTimeoutMaxMillis": 300, "heartbeatMillis": 50},
                 "commands": {"start": "s", "stop": "s", "kill": "k", "pause": "p", "resume": "r", "isolate": "i", "rejoin": "j"},
                 "nodes": [{"id": 1, "client": "127.0.0.1:8001", "peer": "127.0.0.1:7001"}]}
                """);
        for (String fault : new String[] {"partition-link", "partition-leader-inbound"}) {
            assertThat(chaos("--cluster-file", file.toString(), "--fault", fault)).isEqualTo(KvbenchMain.EXIT_USAGE);
            assertThat(errors).startsWith("kvbench: --fault " + fault + " cuts single peer links or one direction, which a cluster file's "
                    + "isolate and rejoin commands cannot");
        }
    }
}
