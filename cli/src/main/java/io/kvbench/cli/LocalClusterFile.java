package io.kvbench.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.chaos.cluster.described.CommandTemplate;
import io.kvbench.node.local.LocalCluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a cluster file (docs/clusters.md) for a cluster {@code kvbench cluster start} launched, so that
 * {@code kvbench chaos --cluster-file} can drive it as it would drive remote hosts: each node's start command
 * repeats its command line in the background and records its pid in {@code DIR/n<id>/node.pid}, which the
 * signal commands read.
 */
final class LocalClusterFile {
    private LocalClusterFile() {
    }

    /** {@code DIR/n<id>/node.pid}, in the node's folder of the launcher's layout. */
    static Path pidFile(Path directory, int nodeId) {
        return LocalCluster.nodeDirectory(directory, nodeId).resolve("node.pid").toAbsolutePath();
    }

    /**
     * @param commands each node's full command line, by position in {@code state.nodes()}
     */
    static void write(Path file, Path directory, ClusterCommand.ClusterState state, List<List<String>> commands,
                      int electionMinMillis, int electionMaxMillis, int heartbeatMillis) throws IOException {
        ObjectNode root = ClusterCommand.JSON.createObjectNode();
        root.put("target", "kvnode");
        root.putObject("timing").put("electionTimeoutMinMillis", electionMinMillis)
                .put("electionTimeoutMaxMillis", electionMaxMillis).put("heartbeatMillis", heartbeatMillis);
        ObjectNode commandTemplates = root.putObject("commands");
        commandTemplates.put("stop", "kill -TERM $(cat {pidFile})");
        commandTemplates.put("kill", "kill -KILL $(cat {pidFile})");
        commandTemplates.put("pause", "kill -STOP $(cat {pidFile})");
        commandTemplates.put("resume", "kill -CONT $(cat {pidFile})");
        // a killed node can stay a zombie for a moment: that does not count as running
        commandTemplates.put("status", "ps -o stat= -p $(cat {pidFile}) | grep -q '^[^Z]'");
        ArrayNode nodes = root.putArray("nodes");
        for (int i = 0; i < state.nodes().size(); i++) {
            ClusterCommand.NodeEntry entry = state.nodes().get(i);
            ObjectNode node = nodes.addObject().put("id", entry.id()).put("client", entry.client()).put("peer", entry.peer())
                    .put("dataDir", entry.dataDir())
                    // on this machine the event log's monotonic clock is the campaign's, so elections are timed from it
                    .put("eventLog", LocalCluster.eventLog(directory.toAbsolutePath(), entry.id()).toString());
            node.putObject("vars").put("pidFile", quote(pidFile(directory, entry.id()).toString()));
            String commandLine = CommandTemplate.escape(commands.get(i).stream().map(LocalClusterFile::quote)
                    .collect(Collectors.joining(" ")));
            node.putObject("commands").put("start", commandLine + " >> " + quote(entry.log()) + " 2>&1 < /dev/null & echo $! > {pidFile}");
        }
        ClusterCommand.JSON.writeValue(file.toFile(), root);
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
