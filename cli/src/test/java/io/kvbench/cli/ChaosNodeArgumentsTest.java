package io.kvbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kvbench chaos --node-arg} (issue 19's failover A/B of the tick timer from one jar): checked as {@code kvnode
 * run} checks it before anything starts (exit 2, one line, no folder), and only for the kvnode cluster chaos starts.
 */
class ChaosNodeArgumentsTest {
    @TempDir
    Path directory;

    @Test
    void aBadNodeOptionOrOneForEtcdIsRefusedBeforeAnythingStarts() {
        Path out = directory.resolve("run");
        for (List<String> case_ : List.of(
                List.of("--node-arg=--tick-timer=sometimes",
                        "kvbench: --node-arg: --tick-timer must be every-tick or next-deadline, not sometimes"),
                List.of("--node-arg=--id=2", "kvbench: --node-arg: --id is set for each node by the local cluster, not for every node"),
                List.of("--target=etcd", "--node-arg=--tick-ms=5",
                        "kvbench: --node-arg is for the local kvnode cluster (not etcd, not --cluster-file)"))) {
            CommandLine commandLine = KvbenchMain.commandLine();
            StringWriter err = new StringWriter();
            commandLine.setErr(new PrintWriter(err));
            List<String> arguments = new java.util.ArrayList<>(List.of("chaos"));
            arguments.addAll(case_.subList(0, case_.size() - 1));
            arguments.addAll(List.of("--out", out.toString()));
            assertThat(commandLine.execute(arguments.toArray(String[]::new))).isEqualTo(KvbenchMain.EXIT_USAGE);
            assertThat(err.toString().strip()).isEqualTo(case_.get(case_.size() - 1));
            assertThat(out).doesNotExist();
        }
    }
}
