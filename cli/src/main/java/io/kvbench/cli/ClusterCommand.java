package io.kvbench.cli;

import io.kvbench.net.OptionRange;
import io.kvbench.node.NodeTuning;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kvbench.bench.etcd.FreePorts;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.NettyResources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start N kvnode processes on 127.0.0.1 and wait until a leader is elected.")
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

        @Option(names = "--jvm-opts", defaultValue = "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:+UseTransparentHugePages "
                + NodeTuning.THREAD_PRIORITY_JVM_OPTIONS,
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
            Files.createDirectories(directory);
            List<Integer> ports = FreePorts.allocate(2 * nodeCount);
            List<Integer> peerPorts = ports.subList(0, nodeCount);
            List<Integer> clientPorts = ports.subList(nodeCount, 2 * nodeCount);
            StringJoiner peers = new StringJoiner(",");
            StringJoiner clients = new StringJoiner(",");
            for (int i = 0; i < nodeCount; i++) {
                peers.add((i + 1) + "=127.0.0.1:" + peerPorts.get(i));
                clients.add((i + 1) + "=127.0.0.1:" + clientPorts.get(i));
            }
            String clusterId = "kvbench-" + ProcessHandle.current().pid();
            List<NodeEntry> entries = new ArrayList<>();
            List<List<String>> commands = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                int id = i + 1;
                Path dataDir = directory.resolve("node-" + id).toAbsolutePath();
                Path log = directory.resolve("node-" + id + ".log").toAbsolutePath();
                List<String> command = new ArrayList<>(Home.javaCommand());
                command.addAll(1, java.util.Arrays.asList(jvmOptions.trim().split("\\s+")));
                command.addAll(List.of("io.kvbench.node.KvNodeCommand", "run", "--id", String.valueOf(id), "--cluster-id", clusterId,
                        "--peers", peers.toString(), "--clients", clients.toString(), "--data-dir", dataDir.toString(),
                        "--fsync", fsync, "--election-timeout-min-ms", String.valueOf(electionMin),
                        "--election-timeout-max-ms", String.valueOf(electionMax), "--heartbeat-ms", String.valueOf(heartbeat)));
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                commands.add(command);
                // the current pid: a cluster file's start command rewrites it when it starts the node again
                Files.writeString(LocalClusterFile.pidFile(directory, id), process.pid() + "\n");
                entries.add(new NodeEntry(id, process.pid(), "127.0.0.1:" + peerPorts.get(i), "127.0.0.1:" + clientPorts.get(i),
                        dataDir.toString(), log.toString()));
            }
            ClusterState state = new ClusterState(clusterId, entries, fsync);
            JSON.writeValue(stateFile.toFile(), state);
            if (clusterFile != null) LocalClusterFile.write(clusterFile, directory, state, commands, electionMin, electionMax, heartbeat);
            String leader = awaitLeader(state, Duration.ofSeconds(30));
            System.out.println("cluster of " + nodeCount + " started, leader " + leader + ", fsync=" + fsync);
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
            try (NettyResources netty = new NettyResources("kvbench-status", 1)) {
                for (NodeEntry node : state.nodes()) {
                    String status = status(netty, node);
                    allUp &= !status.startsWith("unreachable");
                    System.out.println("node " + node.id() + " pid " + currentPid(directory, node) + " " + node.client() + ": " + status);
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

    static String status(NettyResources netty, NodeEntry node) {
        try (ClientConnection connection = ClientConnection.connect(netty, address(node.client())).get(2, TimeUnit.SECONDS)) {
            ClientResponse response = connection.status().get(2, TimeUnit.SECONDS);
            return response instanceof ClientResponse.Status status ? status.json() : String.valueOf(response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unreachable (interrupted)";
        } catch (java.util.concurrent.TimeoutException e) {
            return "unreachable (no answer within 2 s)";
        } catch (Exception e) {
            // The cause's words, not a Java class name ("ConnectException").
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            return "unreachable (" + (cause.getMessage() != null ? cause.getMessage() : "connection failed") + ")";
        }
    }

    static String awaitLeader(ClusterState state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (NettyResources netty = new NettyResources("kvbench-status", 1)) {
            while (System.nanoTime() < deadline) {
                for (NodeEntry node : state.nodes()) {
                    if (status(netty, node).contains("\"role\":\"LEADER\"")) return "node " + node.id();
                }
                Thread.sleep(50); // polling a process we do not control; the deadline bounds it
            }
        }
        throw new IllegalStateException("no leader within " + timeout + "; see the node logs in " + state.nodes().get(0).log());
    }

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) throw new UsageException("expected HOST:PORT, got '" + hostPort + "'");
        try {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new UsageException("bad port in '" + hostPort + "'");
        }
    }

}
