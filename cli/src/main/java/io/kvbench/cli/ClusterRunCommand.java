package io.kvbench.cli;

import io.kvbench.net.OptionRange;
import io.kvbench.chaos.cluster.described.ClusterFile;
import io.kvbench.chaos.cluster.described.DescribedNode;
import io.kvbench.chaos.cluster.described.NodeAction;
import io.kvbench.chaos.cluster.described.ShellCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code kvbench cluster run --cluster-file FILE ACTION}: runs one of a cluster file's commands for each node, in
 * id order. It starts a described cluster (etcd members, say, which {@code cluster start} does not run) with
 * exactly the commands a campaign restarts them with, and stops it afterwards. Exit 1 if any command fails.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a cluster file's ACTION command for each node, by id (docs/clusters.md).",
                "E.g. start the members it describes before `kvbench chaos --cluster-file FILE`,",
                "and stop them after. Exit 1 if any command fails (status: if a node is down)."})
final class ClusterRunCommand implements Callable<Integer> {
    @Option(names = "--cluster-file", required = true, paramLabel = "FILE", description = "The cluster file.")
    Path clusterFile;

    @OptionRange(min = 1)
    @Option(names = "--node", paramLabel = "ID", split = ",", description = "Only these nodes, e.g. 1,3 (default: every node).")
    List<Integer> nodeIds;

    @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop, kill, pause, resume, isolate, rejoin or status.")
    String actionName;

    @Override
    public Integer call() throws IOException {
        NodeAction action = NodeAction.byKey(actionName).orElseThrow(() -> new UsageException("ACTION must be one of "
                + Arrays.stream(NodeAction.values()).map(NodeAction::key).collect(Collectors.joining(", ")) + ", not '" + actionName + "'"));
        ClusterFile file = ClusterFile.read(clusterFile);
        List<DescribedNode> nodes = nodeIds == null ? file.nodes() : nodeIds.stream().map(id -> file.node(id).orElseThrow(
                () -> new UsageException("--node " + id + ": " + clusterFile + " has no node " + id + " (ids "
                        + file.nodes().stream().map(node -> Integer.toString(node.id())).collect(Collectors.joining(", ")) + ")"))).toList();
        for (DescribedNode node : nodes) {
            if (node.command(action).isEmpty()) throw new UsageException(clusterFile + " gives no '" + action.key() + "' command for node " + node.id());
        }
        int failed = 0;
        for (DescribedNode node : nodes) {
            String what = "node " + node.id() + " " + action.key();
            try {
                ShellCommand.Result result = ShellCommand.run(node.command(action).orElseThrow(), file.commandTimeout());
                String output = result.stderr().isBlank() ? result.stdout() : result.stderr();
                System.out.println(what + ": exit " + result.exitCode() + " (" + result.elapsed().toMillis() + " ms)"
                        + (result.succeeded() || output.isBlank() ? "" : ": " + output.strip().replaceAll("\\s*\\R\\s*", " | ")));
                if (!result.succeeded()) failed++;
            } catch (IOException e) {
                System.out.println(what + ": " + e.getMessage());
                failed++;
            }
        }
        return failed == 0 ? KvbenchMain.EXIT_OK : KvbenchMain.EXIT_CHECK_FAILED;
    }
}
