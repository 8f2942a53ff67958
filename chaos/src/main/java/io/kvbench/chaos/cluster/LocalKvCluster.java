package io.kvbench.chaos.cluster;

import io.kvbench.bench.proc.Signals;
import io.kvbench.chaos.netns.BridgeNetwork;
import io.kvbench.chaos.proxy.ProxyMesh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * N kvnode processes, each with its own folder under the run directory ({@code n<id>/data},
 * {@code n<id>/events.jsonl}, {@code n<id>/node.log}), on the spec's {@link NetworkMode}: free ports on 127.0.0.1
 * (LOOPBACK), the same with peer links through proxies (PROXY), or each node in its own network namespace on a
 * bridge (NETNS; started as {@code ip netns exec <namespace> java ...}, which execs, so the tracked pid is the
 * JVM's). Faults act on one node by its pid. {@link #close()} stops every process this object started, then
 * removes the proxies or namespaces; a JVM shutdown hook does the same if the caller never gets to close it, and
 * a failed start undoes what it did before throwing.
 */
public final class LocalKvCluster implements Cluster {
    /** The node's entry point: {@code KvNodeCommand run ...}. */
    public static final String NODE_MAIN_CLASS = "io.kvbench.node.KvNodeCommand";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(500);

    private final LocalClusterSpec spec;
    private final Path runDirectory;
    private final Map<Integer, LocalKvNode> nodes;
    private final LocalNetwork network;
    private final KvnodeStatusProbe statusProbe = new KvnodeStatusProbe("chaos-cluster-status", STATUS_TIMEOUT);
    private final Thread shutdownHook = new Thread(this::stopAllAndRemoveNetwork, "local-kv-cluster-shutdown");
    private volatile boolean closed;

    private LocalKvCluster(LocalClusterSpec spec, Path runDirectory, Map<Integer, LocalKvNode> nodes, LocalNetwork network) {
        this.spec = spec;
        this.runDirectory = runDirectory;
        this.nodes = nodes;
        this.network = network;
    }

    /**
     * Starts every node and waits (up to the spec's start timeout) until each has printed its ready line and
     * answers a status request. Does not wait for a leader: see {@link #awaitLeader(Duration)}.
     *
     * @param javaCommand the command that starts a JVM with the node's classes, up to (not including) the main
     *                    class, e.g. {@code [/usr/bin/java, -cp, CLASSPATH]}; see {@link #javaCommand(String, List)}
     */
    public static LocalKvCluster start(LocalClusterSpec spec, Path runDirectory, List<String> javaCommand)
            throws IOException {
        Files.createDirectories(runDirectory);
        LocalNetwork network = LocalNetwork.open(spec.network(), spec.nodeCount());
        Map<Integer, LocalKvNode> nodes = new LinkedHashMap<>();
        try {
            String clients = addressList(network.clientAddresses());
            for (int id = 1; id <= spec.nodeCount(); id++) {
                // with proxies each node has its own list: itself at its real port, the others behind its links
                String peers = addressList(network.peersFor(id));
                Path nodeDirectory = runDirectory.resolve("n" + id);
                List<String> command = new ArrayList<>(network.commandPrefix(id));
                command.addAll(javaCommand);
                command.add(NODE_MAIN_CLASS);
                command.addAll(List.of("run", "--id", Integer.toString(id), "--peers", peers, "--clients", clients,
                        "--data-dir", nodeDirectory.resolve("data").toString(),
                        "--event-log", nodeDirectory.resolve("events.jsonl").toString()));
                command.addAll(spec.timingArguments());
                nodes.put(id, new LocalKvNode(id, network.clientAddresses().get(id), nodeDirectory, command));
            }
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
        LocalKvCluster cluster = new LocalKvCluster(spec, runDirectory, nodes, network);
        try {
            Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
            for (LocalKvNode node : nodes.values()) {
                node.start();
            }
            long deadline = System.nanoTime() + spec.startTimeout().toNanos();
            for (int id : nodes.keySet()) {
                cluster.awaitServing(id, deadline);
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * A java command line for the nodes: this JVM's {@code java} binary, the given JVM options and class path.
     * In a surefire test pass {@link #testClassPath()}; from the CLI jar, {@code System.getProperty("java.class.path")}.
     */
    public static List<String> javaCommand(String classPath, List<String> jvmOptions) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        return command;
    }

    /**
     * Small heaps and the serial collector: several nodes share two cores with the test and its clients. The heap on
     * transparent huge pages: a kill -9 closes a process's sockets only after the kernel has unmapped its memory,
     * page by page, so the surviving nodes' fast-failover hint comes that much later; measured here, a killed node's
     * connections closed after 7.9 ms instead of 9.8 (p50 of 6), and 2.5 instead of 9.0 ms for a plain JVM holding
     * 40 MB. Where the kernel has no transparent huge pages the JVM says so and goes on without.
     *
     * <p>Thread priorities: with {@code -XX:ThreadPriorityPolicy=1} the JVM maps Java priorities to nice values, so a
     * node's event loop and WAL thread (both at {@code Thread.MAX_PRIORITY}: every message waits on their wake-ups) run
     * at nice -5 and its JIT compiler threads at nice 19. On two shared cores a node restarted a second earlier is
     * still compiling when the next leader dies; at equal priority its compiler threads delayed the survivors'
     * election by milliseconds at each step. Measured, 3 x 30 leader kills each, interleaved: unavailability p50
     * 33.4 instead of 40.6 ms. Raising a priority needs root or CAP_SYS_NICE; without it the JVM warns once and
     * applies only the lowered compiler priority.
     */
    public static final String DEFAULT_JVM_OPTIONS =
            "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:+UseTransparentHugePages"
                    + " " + io.kvbench.node.NodeTuning.THREAD_PRIORITY_JVM_OPTIONS;

    /** {@link #DEFAULT_JVM_OPTIONS}, one element per option. */
    public static List<String> defaultJvmOptions() {
        return List.of(DEFAULT_JVM_OPTIONS.split(" "));
    }

    /** The full class path inside a surefire fork, else this JVM's. */
    public static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static String addressList(Map<Integer, InetSocketAddress> addresses) {
        return addresses.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue().getHostString() + ":" + entry.getValue().getPort())
                .collect(Collectors.joining(","));
    }

    /** The network in effect: the spec's, with AUTO resolved to NETNS or PROXY. */
    public NetworkMode network() {
        return network.mode();
    }

    /** The peer proxies, on {@link NetworkMode#PROXY}. */
    public Optional<ProxyMesh> proxyMesh() {
        return network.proxyMesh();
    }

    /** The namespaces and bridge, on {@link NetworkMode#NETNS}. */
    public Optional<BridgeNetwork> bridgeNetwork() {
        return network.bridge();
    }

    /**
     * Silently cuts every peer link to and from the node. The cut is between nodes only: the node keeps running
     * and the harness still reaches its client port, so status polls and clients pointed at it keep working, as
     * for clients that see both sides of a partition between the servers. PROXY cuts the node's proxies, NETNS
     * drops the packets in the bridge.
     *
     * @throws UnsupportedOperationException on LOOPBACK
     */
    @Override
    public void isolate(int nodeId) throws IOException {
        node(nodeId);
        network.isolate(nodeId);
    }

    /** Heals every peer link to and from the node. */
    @Override
    public void rejoin(int nodeId) throws IOException {
        node(nodeId);
        network.rejoin(nodeId);
    }

    /**
     * Silently cuts the given directions together, between nodes only, as {@link #isolate} does: PROXY
     * black-holes one way of the proxied connections, NETNS drops the sender's packets at the receiver's bridge
     * port.
     *
     * @throws UnsupportedOperationException on LOOPBACK
     */
    @Override
    public void cutLinks(Collection<PeerLink> links) throws IOException {
        requireNodes(links);
        network.cut(links);
    }

    @Override
    public void healLinks(Collection<PeerLink> links) throws IOException {
        requireNodes(links);
        network.heal(links);
    }

    @Override
    public void healLinks() throws IOException {
        network.healAll();
    }

    private void requireNodes(Collection<PeerLink> links) {
        for (PeerLink link : links) {
            node(link.from());
            node(link.to());
        }
    }

    @Override
    public String targetName() {
        return "kvnode";
    }

    public LocalClusterSpec spec() {
        return spec;
    }

    @Override
    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    @Override
    public ClusterTiming timing() {
        return spec.timing();
    }

    @Override
    public InetSocketAddress clientAddress(int nodeId) {
        return node(nodeId).clientAddress;
    }

    /** The node's own peer (raft) listen address; with proxies, the real one behind them. */
    public InetSocketAddress peerAddress(int nodeId) {
        node(nodeId);
        return network.peersFor(nodeId).get(nodeId);
    }

    /** Every node's client address, by id. */
    public Map<Integer, InetSocketAddress> clientAddresses() {
        Map<Integer, InetSocketAddress> addresses = new LinkedHashMap<>();
        nodes.forEach((id, node) -> addresses.put(id, node.clientAddress));
        return addresses;
    }

    @Override
    public Path runDirectory() {
        return runDirectory;
    }

    @Override
    public Optional<Path> eventLog(int nodeId) {
        return Optional.of(node(nodeId).eventLog);
    }

    public Path logFile(int nodeId) {
        return node(nodeId).logFile;
    }

    public Path dataDirectory(int nodeId) {
        return node(nodeId).dataDirectory;
    }

    /** "running", or "exit code N" once the node's process ended. */
    public String exitDescription(int nodeId) {
        return node(nodeId).exitDescription();
    }

    public long pid(int nodeId) {
        return node(nodeId).pid();
    }

    @Override
    public boolean isRunning(int nodeId) {
        return node(nodeId).isAlive();
    }

    @Override
    public boolean isPaused(int nodeId) {
        return node(nodeId).paused;
    }

    /** The node's status, or empty if it does not answer within 500 ms (stopped, paused, starting). */
    @Override
    public Optional<NodeStatus> status(int nodeId) {
        LocalKvNode node = node(nodeId);
        if (!node.isAlive() || node.paused) {
            return Optional.empty();
        }
        return statusProbe.status(nodeId, node.clientAddress);
    }

    private void dropStatusConnection(int nodeId) {
        statusProbe.forget(nodeId);
    }

    /** Statuses of every node that answers, by id. */
    public Map<Integer, NodeStatus> statuses() {
        return KvnodeStatusProbe.statusesOf(this);
    }

    @Override
    public Optional<LeaderInfo> findLeader() {
        return KvnodeStatusProbe.leaderOf(statuses(), nodes.size());
    }

    @Override
    public LeaderInfo awaitLeader(Duration timeout) throws IOException {
        return KvnodeStatusProbe.awaitLeader(this, timeout, "logs under " + runDirectory);
    }

    /** Waits until the node's applied index reaches {@code index}; throws IOException after the timeout. */
    public NodeStatus awaitApplied(int nodeId, long index, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<NodeStatus> status = status(nodeId);
            if (status.isPresent() && status.get().appliedIndex() >= index) return status.get();
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("n" + nodeId + " did not apply index " + index + " within " + timeout + "; last status "
                        + status.map(NodeStatus::json).orElse("(none)") + "; see " + logFile(nodeId));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    @Override
    public void kill(int nodeId) throws IOException {
        dropStatusConnection(nodeId);
        node(nodeId).kill();
    }

    @Override
    public void pause(int nodeId) throws IOException {
        dropStatusConnection(nodeId);
        node(nodeId).pause();
    }

    @Override
    public OptionalLong signalSentNanos(int nodeId) {
        return node(nodeId).signalSentNanos();
    }

    @Override
    public void resume(int nodeId) throws IOException {
        node(nodeId).resume();
    }

    @Override
    public void terminate(int nodeId, Duration timeout) throws IOException {
        dropStatusConnection(nodeId);
        node(nodeId).terminate(timeout);
    }

    @Override
    public void restart(int nodeId) throws IOException {
        dropStatusConnection(nodeId);
        LocalKvNode node = node(nodeId);
        node.kill();
        node.start();
        awaitServing(nodeId, System.nanoTime() + spec.startTimeout().toNanos());
    }

    /** Starts every stopped node again (after a whole-cluster stop) and waits until each serves. */
    public void restartStopped() throws IOException {
        List<Integer> started = new ArrayList<>();
        for (LocalKvNode node : nodes.values()) {
            if (!node.isAlive()) {
                node.start();
                started.add(node.id);
            }
        }
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        for (int id : started) awaitServing(id, deadline);
    }

    private void awaitServing(int nodeId, long deadlineNanos) throws IOException {
        LocalKvNode node = node(nodeId);
        while (!node.printedReady()) {
            if (!node.isAlive()) {
                throw new IOException("n" + nodeId + " exited while starting (" + node.exitDescription() + "); log "
                        + node.logFile + ":\n" + node.logTail());
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IOException("n" + nodeId + " printed no ready line in time; log " + node.logFile + ":\n" + node.logTail());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        while (status(nodeId).isEmpty()) {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IOException("n" + nodeId + " does not answer status; log " + node.logFile);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private LocalKvNode node(int nodeId) {
        LocalKvNode node = nodes.get(nodeId);
        if (node == null) throw new IllegalArgumentException("no node " + nodeId + " in " + nodes.keySet());
        return node;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        stopAllAndRemoveNetwork();
        statusProbe.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs or ran; stopping twice is harmless
        }
    }

    /** The nodes first: a namespace whose processes still run would outlive its deletion. */
    private void stopAllAndRemoveNetwork() {
        stopAll();
        network.close();
    }

    private void stopAll() {
        for (int id : nodes.keySet()) {
            dropStatusConnection(id);
        }
        for (LocalKvNode node : nodes.values()) {
            node.forceStop();
        }
    }

    @Override
    public String toString() {
        return "LocalKvCluster" + clientAddresses() + " on " + network.mode().label() + " in " + runDirectory;
    }

    /** One node: its command line, folder, and the process while it runs. */
    private static final class LocalKvNode {
        final int id;
        final InetSocketAddress clientAddress;
        final Path dataDirectory;
        final Path eventLog;
        final Path logFile;
        final List<String> command;
        private Process process;
        private long logOffsetAtStart;
        volatile boolean paused;
        // System.nanoTime() just after the last SIGKILL or SIGSTOP left
        private OptionalLong signalSentNanos = OptionalLong.empty();

        LocalKvNode(int id, InetSocketAddress clientAddress, Path directory, List<String> command) {
            this.id = id;
            this.clientAddress = clientAddress;
            this.dataDirectory = directory.resolve("data");
            this.eventLog = directory.resolve("events.jsonl");
            this.logFile = directory.resolve("node.log");
            this.command = List.copyOf(command);
        }

        synchronized void start() throws IOException {
            if (process != null && process.isAlive()) {
                throw new IllegalStateException("n" + id + " already runs as pid " + process.pid());
            }
            Files.createDirectories(dataDirectory);
            logOffsetAtStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            process.getOutputStream().close();
            paused = false;
        }

        synchronized boolean isAlive() {
            return process != null && process.isAlive();
        }

        synchronized long pid() {
            if (process == null) throw new IllegalStateException("n" + id + " was never started");
            return process.pid();
        }

        /** True once this run of the node has printed {@code kvnode N ready}. */
        boolean printedReady() throws IOException {
            if (!Files.exists(logFile)) return false;
            byte[] bytes = Files.readAllBytes(logFile);
            int from = (int) Math.min(logOffsetAtStart, bytes.length);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).contains("kvnode " + id + " ready");
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(logFile);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(cannot read: " + e + ")";
            }
        }

        synchronized String exitDescription() {
            return process == null || process.isAlive() ? "running" : "exit code " + process.exitValue();
        }

        synchronized void kill() throws IOException {
            if (isAlive()) {
                process.destroyForcibly();
                signalSentNanos = OptionalLong.of(System.nanoTime());
                awaitExit(Duration.ofSeconds(10), "SIGKILL");
            }
            paused = false;
        }

        synchronized OptionalLong signalSentNanos() {
            return signalSentNanos;
        }

        synchronized void pause() throws IOException {
            requireAlive();
            signalSentNanos = OptionalLong.of(Signals.stop(process.pid()));
            paused = true;
        }

        synchronized void resume() throws IOException {
            requireAlive();
            Signals.send("CONT", process.pid());
            paused = false;
        }

        synchronized void terminate(Duration timeout) throws IOException {
            requireAlive();
            if (paused) resume();
            process.destroy();
            try {
                awaitExit(timeout, "SIGTERM");
            } catch (IOException e) {
                process.destroyForcibly();
                throw e;
            }
        }

        /** For close and the shutdown hook: SIGCONT if paused (harmless otherwise), then SIGKILL, by pid. */
        synchronized void forceStop() {
            if (!isAlive()) return;
            try {
                if (paused) Signals.send("CONT", process.pid());
            } catch (IOException e) {
                // SIGKILL works on a stopped process too
            }
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            paused = false;
        }

        private void requireAlive() {
            if (!isAlive()) throw new IllegalStateException("n" + id + " is not running");
        }

        private void awaitExit(Duration timeout, String what) throws IOException {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("n" + id + " (pid " + process.pid() + ") did not exit within " + timeout + " after " + what);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for n" + id + " to exit", e);
            }
        }
    }
}
