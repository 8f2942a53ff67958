package io.kvbench.cli;

import io.kvbench.net.OptionRange;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kvbench.net.NodeAddresses;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeJvmOptions;
import io.kvbench.node.local.NodeStatus;
import io.kvbench.node.local.StatusProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code kvbench cluster start|stop|status}: a local cluster of kvnode processes that outlives this command,
 * remembered in {@code DIR/cluster.json} (pids and addresses) so later commands can find and stop it.
 * {@code kvbench cluster run} runs a cluster file's commands instead ({@link ClusterRunCommand}), for any target.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Start, inspect and stop a local kvnode cluster, or run a cluster file's commands on each node.",
                "The cluster outlives the command: `kvbench cluster stop` ends it."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class, ClusterRunCommand.class})
public final class ClusterCommand {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What cluster.json holds. */
    public record ClusterState(String clusterId, List<NodeEntry> nodes, String fsync) {
        public String clientAddresses() {
            StringJoiner joiner = new StringJoiner(",");
            nodes.forEach(n -> joiner.add(n.client()));
            return joiner.toString();
        }
    }

    public record NodeEntry(int id, long pid, String peer, String client, String dataDir, String log) {
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start N kvnode processes on 127.0.0.1 (DIR/n<id>/: data, events.jsonl, node.log, node.pid) and wait until a leader is elected.")
    static final class Start implements Callable<Integer> {
        @OptionRange(min = 1, max = 9)
        @Option(names = "--nodes", defaultValue = "3", description = "Cluster size, 3 or 5 (default: ${DEFAULT-VALUE}).")
        int nodeCount;

        @Option(names = "--dir", defaultValue = "results/local/cluster", description = "Where data, logs and cluster.json go (default: ${DEFAULT-VALUE}).")
        Path directory;

        @Option(names = "--fsync", defaultValue = "always", description = "always (every acknowledged write is durable) or none, for comparison only (default: ${DEFAULT-VALUE}).")
        String fsync;

        @OptionRange(min = 1, max = 60_000)
        @Option(names = "--election-timeout-min-ms", defaultValue = "150", description = "Randomized election timeout, lower bound (default: ${DEFAULT-VALUE}).")
        int electionMin;

        @OptionRange(min = 2, max = 60_000)
        @Option(names = "--election-timeout-max-ms", defaultValue = "300", description = "Randomized election timeout, upper bound, exclusive (default: ${DEFAULT-VALUE}).")
        int electionMax;

        @OptionRange(min = 1, max = 10_000)
        @Option(names = "--heartbeat-ms", defaultValue = "50", description = "The leader's heartbeat interval (default: ${DEFAULT-VALUE}).")
        int heartbeat;

        @Option(names = "--jvm-opts", defaultValue = NodeJvmOptions.STANDING,
                description = "JVM options of each node (default: ${DEFAULT-VALUE}); a small heap on huge pages also makes kill -9 close sockets sooner.")
        String jvmOptions;

        @Option(names = "--write-cluster-file", paramLabel = "FILE",
                description = "Also write a cluster file for this cluster (local shell commands and pid files), for `kvbench chaos --cluster-file FILE`.")
        Path clusterFile;

        @Override
        public Integer call() throws Exception {
            if (nodeCount < 1 || nodeCount > 9) throw new UsageException("--nodes must be between 1 and 9, not " + nodeCount);
            if (!fsync.equals("always") && !fsync.equals("none")) throw new UsageException("--fsync must be always or none");
            Path stateFile = directory.resolve("cluster.json");
            if (Files.exists(stateFile)) {
                throw new UsageException("a cluster is already recorded in " + stateFile + "; run `kvbench cluster stop --dir " + directory + "` first");
            }
            LocalClusterSpec spec = LocalClusterSpec.builder().nodeCount(nodeCount).clusterId("kvbench-" + ProcessHandle.current().pid())
                    .electionTimeoutMillis(electionMin, electionMax).heartbeatMillis(heartbeat).fsync(fsync).auditWrites(false)
                    .jvmOptions(jvmOptions).build();
            List<NodeEntry> entries = new ArrayList<>();
            List<List<String>> commands = new ArrayList<>();
            ClusterState state;
            // The nodes outlive this command: detached once they serve, recorded before the wait for a leader.
            try (LocalCluster cluster = LocalCluster.start(spec, directory.toAbsolutePath())) {
                cluster.detach();
                for (int id : cluster.nodeIds()) {
                    commands.add(cluster.commandLine(id));
                    // the current pid: a cluster file's start command rewrites it when it starts the node again
                    Files.writeString(LocalClusterFile.pidFile(directory, id), cluster.pid(id) + "\n");
                    entries.add(new NodeEntry(id, cluster.pid(id), NodeAddresses.format(cluster.peerAddress(id)),
                            NodeAddresses.format(cluster.clientAddress(id)), cluster.dataDirectory(id).toString(),
                            cluster.logFile(id).toString()));
                }
                state = new ClusterState(spec.clusterId(), entries, fsync);
                JSON.writeValue(stateFile.toFile(), state);
                if (clusterFile != null) LocalClusterFile.write(clusterFile, directory, state, commands, electionMin, electionMax, heartbeat);
                int leader = cluster.awaitLeader(Duration.ofSeconds(30)).nodeId();
                System.out.println("cluster of " + nodeCount + " started, leader node " + leader + ", fsync=" + fsync);
            }
            System.out.println("client addresses: " + state.clientAddresses());
            System.out.println("state: " + stateFile);
            if (clusterFile != null) System.out.println("cluster file: " + clusterFile);
            return KvbenchMain.EXIT_OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the cluster recorded in DIR/cluster.json (SIGTERM, then SIGKILL after 10 s).")
    static final class Stop implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "results/local/cluster", description = "The folder `cluster start --dir` used, with its cluster.json (default: ${DEFAULT-VALUE}).")
        Path directory;

        @Override
        public Integer call() throws Exception {
            ClusterState state = load(directory);
            for (NodeEntry node : state.nodes()) ProcessHandle.of(currentPid(directory, node)).ifPresent(ProcessHandle::destroy);
            for (NodeEntry node : state.nodes()) {
                ProcessHandle.of(currentPid(directory, node)).ifPresent(handle -> {
                    try {
                        handle.onExit().get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        handle.destroyForcibly();
                    }
                });
            }
            Files.delete(directory.resolve("cluster.json"));
            for (NodeEntry node : state.nodes()) Files.deleteIfExists(LocalClusterFile.pidFile(directory, node.id()));
            System.out.println("stopped " + state.nodes().size() + " nodes");
            return KvbenchMain.EXIT_OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Print each node's role, term, leader, commit and applied index.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "results/local/cluster", description = "The folder `cluster start --dir` used, with its cluster.json (default: ${DEFAULT-VALUE}).")
        Path directory;

        @Override
        public Integer call() throws Exception {
            ClusterState state = load(directory);
            boolean allUp = true;
            try (StatusProbe probe = new StatusProbe("kvbench-status", Duration.ofSeconds(2))) {
                for (NodeEntry node : state.nodes()) {
                    Optional<NodeStatus> status = probe.status(node.id(), NodeAddresses.parse(node.client()));
                    allUp &= status.isPresent();
                    System.out.println("node " + node.id() + " pid " + currentPid(directory, node) + " " + node.client() + ": "
                            + status.map(NodeStatus::json).orElse("unreachable"));
                }
            }
            return allUp ? KvbenchMain.EXIT_OK : KvbenchMain.EXIT_CHECK_FAILED;
        }
    }

    static ClusterState load(Path directory) throws IOException {
        Path stateFile = directory.resolve("cluster.json");
        if (!Files.exists(stateFile)) throw new UsageException("no cluster recorded in " + stateFile + " (start one with `kvbench cluster start`)");
        return JSON.readValue(Files.readString(stateFile, StandardCharsets.UTF_8), ClusterState.class);
    }

    /** The node's pid file (rewritten when a cluster file's start command restarts it), else the pid it started with. */
    static long currentPid(Path directory, NodeEntry node) {
        try {
            return Long.parseLong(Files.readString(LocalClusterFile.pidFile(directory, node.id())).trim());
        } catch (IOException | NumberFormatException e) {
            return node.pid();
        }
    }
}
