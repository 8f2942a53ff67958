package io.kvbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kvbench load --node-arg} (issue 19's A/B runs from one jar): a node option is checked as {@code kvnode run}
 * checks it before anything starts (exit 2, one line, no folder), and only for the cluster the command starts.
 */
class LoadNodeArgumentsTest {
    @TempDir
    Path directory;

    @Test
    void aBadNodeOptionIsRefusedBeforeAnythingStarts() {
        Path out = directory.resolve("run");
        for (List<String> case_ : List.of(
                List.of("--node-arg=--tick-ms=0", "kvbench: --node-arg: --tick-ms must be from 1 to 1000, not 0"),
                List.of("--node-arg=--append-acks=sometimes",
                        "kvbench: --node-arg: --append-acks must be per-append or per-turn, not sometimes"),
                List.of("--node-arg=--id=2", "kvbench: --node-arg: --id is set for each node by the local cluster, not for every node"))) {
            CommandLine commandLine = KvbenchMain.commandLine();
            StringWriter err = new StringWriter();
            commandLine.setErr(new PrintWriter(err));
            assertThat(commandLine.execute("load", case_.get(0), "--out", out.toString())).isEqualTo(KvbenchMain.EXIT_USAGE);
            assertThat(err.toString().strip()).isEqualTo(case_.get(1));
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void theLoadsClusterRunsWithoutTheWriteAuditUnlessAsked() {
        LoadCommand plain = new LoadCommand();
        new CommandLine(plain).parseArgs();
        LoadCommand audited = new LoadCommand();
        new CommandLine(audited).parseArgs("--node-arg=--audit-writes");

        assertThat(plain.localClusterSpec().auditWrites()).isFalse();
        assertThat(plain.localClusterSpec().nodeArguments()).doesNotContain("--audit-writes");
        assertThat(audited.localClusterSpec().nodeArguments()).contains("--audit-writes");
    }

    @Test
    void nodeOptionsAreForTheLocalClusterOnly() {
        CommandLine commandLine = KvbenchMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        assertThat(commandLine.execute("load", "--nodes", "127.0.0.1:1", "--node-arg=--tick-ms=5", "--out",
                directory.resolve("run").toString())).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(err.toString().strip())
                .isEqualTo("kvbench: --node-arg and --node-jvm-opts are for the local cluster (kvnode without --nodes)");
    }
}
