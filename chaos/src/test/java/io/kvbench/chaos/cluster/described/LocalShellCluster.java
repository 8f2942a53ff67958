package io.kvbench.chaos.cluster.described;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.net.FreePorts;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.node.local.NodeJvmOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A cluster file for kvnode processes on this machine that are started, signalled and checked only through shell
 * commands and pid files, as an ssh-driven cluster would be, and the clean-up that kills, by pid, every node
 * those commands ever started.
 */
final class LocalShellCluster {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final Path directory;
    final Path clusterFile;
    final String clusterId = "described-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    /** Every pid a start command launched, one per line, appended by the start command itself. */
    final Path startedPids;

    private LocalShellCluster(Path directory) {
        this.directory = directory;
        this.clusterFile = directory.resolve("cluster.json");
        this.startedPids = directory.resolve("started.pids");
    }

    /** Writes the cluster file for {@code nodeCount} nodes on free loopback ports (does not start them). */
    static LocalShellCluster write(Path directory, int nodeCount) throws IOException {
        LocalShellCluster cluster = new LocalShellCluster(directory);
        // The launcher's command line (LocalCluster), started here by the cluster file's shell commands under test.
        List<String> java = new ArrayList<>(List.of(LocalCluster.javaBinary()));
        java.addAll(NodeJvmOptions.split(NodeJvmOptions.FAILOVER));
        java.addAll(List.of("-cp", LocalCluster.ownClassPath(), LocalCluster.NODE_MAIN_CLASS, "run"));

        ObjectNode root = JSON.createObjectNode();
        root.put("target", "kvnode");
        root.putObject("timing").put("electionTimeoutMinMillis", 150).put("electionTimeoutMaxMillis", 300).put("heartbeatMillis", 50);
        ObjectNode vars = root.putObject("vars");
        vars.put("java", java.stream().map(LocalShellCluster::quote).collect(Collectors.joining(" ")));
        vars.put("nodeArgs", "--cluster-id " + cluster.clusterId + " --tick-ms 1 --election-timeout-min-ms 150"
                + " --election-timeout-max-ms 300 --heartbeat-ms 50 --fsync always");
        vars.put("nodeDir", quote(directory.toAbsolutePath().toString()) + "/n{id}");
        vars.put("startedPids", quote(cluster.startedPids.toAbsolutePath().toString()));
        ObjectNode commands = root.putObject("commands");
        commands.put("start", "mkdir -p {dataDir} || exit 1; {java} --id {id} --peers {peers} --clients {clients} --data-dir {dataDir}"
                + " --event-log {eventLog} {nodeArgs} >> {nodeDir}/node.log 2>&1 < /dev/null &"
                + " echo $! > {nodeDir}/node.pid; echo $! >> {startedPids}");
        commands.put("stop", "kill -TERM $(cat {nodeDir}/node.pid)");
        commands.put("kill", "kill -KILL $(cat {nodeDir}/node.pid)");
        commands.put("pause", "kill -STOP $(cat {nodeDir}/node.pid)");
        commands.put("resume", "kill -CONT $(cat {nodeDir}/node.pid)");
        // a killed node can linger as a zombie until it is reaped: that is not running
        commands.put("status", "ps -o stat= -p $(cat {nodeDir}/node.pid) | grep -q '^[^Z]'");
        ArrayNode nodes = root.putArray("nodes");
        List<Integer> ports = FreePorts.allocate(2 * nodeCount);
        for (int id = 1; id <= nodeCount; id++) {
            Path nodeDirectory = directory.toAbsolutePath().resolve("n" + id);
            nodes.addObject().put("id", id)
                    .put("client", "127.0.0.1:" + ports.get(2 * (id - 1) + 1))
                    .put("peer", "127.0.0.1:" + ports.get(2 * (id - 1)))
                    .put("dataDir", nodeDirectory.resolve("data").toString())
                    .put("eventLog", nodeDirectory.resolve("events.jsonl").toString());
        }
        JSON.writeValue(cluster.clusterFile.toFile(), root);
        return cluster;
    }

    /** Kills every process a start command launched that is still alive and is one of this cluster's nodes. */
    void killEveryStartedNode() throws IOException {
        if (!Files.exists(startedPids)) return;
        for (String line : Files.readAllLines(startedPids)) {
            if (line.isBlank()) continue;
            // the pid of a node killed earlier could have been reused: only a process naming this cluster is ours
            ProcessHandle.of(Long.parseLong(line.trim()))
                    .filter(handle -> commandLineOf(handle.pid()).contains(clusterId))
                    .ifPresent(handle -> {
                        handle.destroyForcibly();
                        try {
                            handle.onExit().get(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            // it was sent SIGKILL; nothing more can be done
                        }
                    });
        }
    }

    /**
     * The whole command line from /proc: {@code ProcessHandle.Info.commandLine()} comes back empty for a JVM
     * whose class path makes the line long, which left test nodes running.
     */
    private static String commandLineOf(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return ""; // gone already
        }
    }

    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
