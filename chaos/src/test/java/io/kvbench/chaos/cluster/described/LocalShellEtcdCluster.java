package io.kvbench.chaos.cluster.described;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.net.FreePorts;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A cluster file for etcd members on this machine, started, signalled and checked only through shell commands
 * and pid files (as config/cluster-etcd-example.json does), and the clean-up that kills, by pid, every member
 * those commands ever started. Every member's command line holds {@link #token}, so a recycled pid is never
 * mistaken for one of them.
 */
final class LocalShellEtcdCluster {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final Path directory;
    final Path clusterFile;
    final String token = "kvbench-etcd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    /** Every pid a start command launched, one per line, appended by the start command itself. */
    final Path startedPids;

    private LocalShellEtcdCluster(Path directory) {
        this.directory = directory.toAbsolutePath();
        this.clusterFile = this.directory.resolve("cluster.json");
        this.startedPids = this.directory.resolve("started.pids");
    }

    /** {@code etcd} on PATH, as the start command finds it. */
    static Optional<Path> etcdOnPath() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (entry.isEmpty()) continue;
            Path candidate = Path.of(entry, "etcd");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** Writes the cluster file for three members on free loopback ports (does not start them). */
    static LocalShellEtcdCluster write(Path directory, int heartbeatMillis, int electionTimeoutMillis) throws IOException {
        LocalShellEtcdCluster cluster = new LocalShellEtcdCluster(directory);
        ObjectNode root = JSON.createObjectNode();
        root.put("target", "etcd");
        root.putObject("timing").put("electionTimeoutMillis", electionTimeoutMillis).put("heartbeatMillis", heartbeatMillis);
        root.put("startTimeoutMillis", 20000);
        ObjectNode vars = root.putObject("vars");
        vars.put("memberDir", LocalShellCluster.quote(cluster.directory.toString()) + "/{name}");
        vars.put("startedPids", LocalShellCluster.quote(cluster.startedPids.toString()));
        vars.put("etcdFlags", "--initial-cluster-token " + cluster.token + " --initial-cluster-state new --heartbeat-interval "
                + heartbeatMillis + " --election-timeout " + electionTimeoutMillis + " --logger zap --log-outputs stderr");
        ObjectNode commands = root.putObject("commands");
        commands.put("start", "mkdir -p {memberDir} || exit 1; etcd --name {name} --data-dir {memberDir}/data"
                + " --listen-client-urls {clientUrl} --advertise-client-urls {clientUrl} --listen-peer-urls {peerUrl}"
                + " --initial-advertise-peer-urls {peerUrl} --initial-cluster {initialCluster} {etcdFlags}"
                + " >> {memberDir}/etcd.log 2>&1 < /dev/null & echo $! > {memberDir}/etcd.pid; echo $! >> {startedPids}");
        commands.put("stop", "kill -TERM $(cat {memberDir}/etcd.pid)");
        commands.put("kill", "kill -KILL $(cat {memberDir}/etcd.pid)");
        commands.put("pause", "kill -STOP $(cat {memberDir}/etcd.pid)");
        commands.put("resume", "kill -CONT $(cat {memberDir}/etcd.pid)");
        commands.put("status", "ps -o stat= -p $(cat {memberDir}/etcd.pid) | grep -q '^[^Z]'");
        ArrayNode nodes = root.putArray("nodes");
        List<Integer> ports = FreePorts.allocate(6);
        for (int id = 1; id <= 3; id++) {
            nodes.addObject().put("id", id).put("client", "127.0.0.1:" + ports.get(2 * id - 2)).put("peer", "127.0.0.1:" + ports.get(2 * id - 1));
        }
        JSON.writeValue(cluster.clusterFile.toFile(), root);
        return cluster;
    }

    /** The pid in the member's pid file (the last start command's), if there is one. */
    OptionalLong pidOf(String memberName) throws IOException {
        Path pidFile = directory.resolve(memberName).resolve("etcd.pid");
        if (!Files.exists(pidFile)) return OptionalLong.empty();
        return OptionalLong.of(Long.parseLong(Files.readString(pidFile).trim()));
    }

    /** True if the pid is a live (not zombie) process whose command line holds this cluster's token, per /proc. */
    boolean isLiveMember(long pid) {
        return commandLineOf(pid).contains(token) && !isZombieOrGone(pid);
    }

    /** Every pid a start command launched that /proc still shows as a live member of this cluster. */
    List<Long> liveStartedMembers() throws IOException {
        List<Long> live = new ArrayList<>();
        if (!Files.exists(startedPids)) return live;
        for (String line : Files.readAllLines(startedPids)) {
            if (!line.isBlank() && isLiveMember(Long.parseLong(line.trim()))) live.add(Long.parseLong(line.trim()));
        }
        return live;
    }

    /**
     * SIGKILLs every member a start command launched that is still alive, then waits (up to 10 s) until /proc
     * shows none alive; returns the pids still alive after that (empty when all are gone).
     */
    List<Long> killEveryStartedMember() throws IOException {
        for (long pid : liveStartedMembers()) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Long> live = liveStartedMembers();
        while (!live.isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            live = liveStartedMembers();
        }
        return live;
    }

    /** The whole command line from /proc, or "" if the process is gone (a zombie's is empty too). */
    private static String commandLineOf(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** A killed member stays a zombie until its parent (whoever adopted it) reaps it: that is not running. */
    private static boolean isZombieOrGone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the state follows the command name in parentheses, which may itself hold spaces or parentheses
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return true;
        }
    }
}
