package io.kvbench.cli;

import io.kvbench.chaos.cluster.ClusterTiming;
import io.kvbench.chaos.cluster.described.ClusterFile;
import io.kvbench.chaos.cluster.described.DescribedNode;
import io.kvbench.chaos.cluster.described.NodeAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalClusterFileTest {
    @TempDir
    Path directory;

    @Test
    void theWrittenFileReadsBackWithEachNodesCommandLineIntact() throws Exception {
        List<ClusterCommand.NodeEntry> entries = List.of(
                new ClusterCommand.NodeEntry(1, 11, "127.0.0.1:7001", "127.0.0.1:8001", directory.resolve("n1/data").toString(),
                        directory.resolve("n1/node.log").toString()),
                new ClusterCommand.NodeEntry(2, 12, "127.0.0.1:7002", "127.0.0.1:8002", directory.resolve("n2/data").toString(),
                        directory.resolve("n2/node.log").toString()));
        // braces and a quote in the command line must come back as they were
        List<List<String>> commands = List.of(List.of("java", "-cp", "a b.jar", "run", "--id", "1", "{id}"),
                List.of("java", "-Dx=it's", "run", "--id", "2"));
        Path file = directory.resolve("cluster.json");
        LocalClusterFile.write(file, directory, new ClusterCommand.ClusterState("c", entries, "always"), commands, 150, 300, 50);

        ClusterFile cluster = ClusterFile.read(file);
        assertThat(cluster.timing()).isEqualTo(new ClusterTiming(150, 300, 50));
        DescribedNode one = cluster.node(1).orElseThrow();
        String pidFile = "'" + LocalClusterFile.pidFile(directory, 1) + "'";
        assertThat(one.command(NodeAction.START)).contains("'java' '-cp' 'a b.jar' 'run' '--id' '1' '{id}' >> '"
                + directory.resolve("n1/node.log") + "' 2>&1 < /dev/null & echo $! > " + pidFile);
        assertThat(one.command(NodeAction.KILL)).contains("kill -KILL $(cat " + pidFile + ")");
        assertThat(one.eventLog()).isEqualTo(directory.resolve("n1").resolve("events.jsonl"));
        assertThat(cluster.node(2).orElseThrow().command(NodeAction.START)).hasValueSatisfying(start ->
                assertThat(start).startsWith("'java' '-Dx=it'\\''s' 'run' '--id' '2' >> "));
    }
}
