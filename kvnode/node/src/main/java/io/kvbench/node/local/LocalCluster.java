package io.kvbench.node.local;

import io.kvbench.node.KvNodeMain;
import io.kvbench.node.NodeConfig;
import io.kvbench.node.NodeRuntime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * The one way to start a local kvnode cluster: N nodes as child processes ({@code java ... KvNodeCommand run ...}) or
 * as {@link NodeRuntime}s in this JVM, on free loopback ports unless a {@link NodeAddressPlan} says otherwise.
 * Every node gets the same {@code kvnode run} options ({@link LocalClusterSpec#nodeArguments()}; an in-process node
 * is configured by parsing them) and one folder, {@code n<id>/}: {@code data/} (WAL, hard state, snapshots),
 * {@code events.jsonl} (the event log) and, for a process, {@code node.log} (its output, appended across restarts).
 * A node is ready when it answers a status request on its client port with its own id ({@link StatusProbe}); a
 * process that exits first fails the start with its log's tail. {@link #close()} stops every node this object
 * started (a JVM shutdown hook does the same for processes if the caller never gets to close it), unless
 * {@link #detach()} left them running; a failed start undoes what it did before throwing.
 */
public final class LocalCluster implements AutoCloseable {
    /** The node's entry point: {@code KvNodeCommand run ...}. */
    public static final String NODE_MAIN_CLASS = "io.kvbench.node.KvNodeCommand";
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A node slower than this to answer a status request counts as not answering (stopped, paused, starting). */
    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(500);

    private final LocalClusterSpec spec;
    private final Path directory;
    private final NodeAddressPlan addresses;
    private final Map<Integer, LocalNode> nodes;
    private final StatusProbe statusProbe = new StatusProbe("local-cluster-status", STATUS_TIMEOUT);
    private final Thread shutdownHook = new Thread(() -> stopAll(Duration.ZERO), "local-cluster-shutdown");
    private boolean closed;
    private boolean detached;

    private LocalCluster(LocalClusterSpec spec, Path directory, NodeAddressPlan addresses, Map<Integer, LocalNode> nodes) {
        this.spec = spec;
        this.directory = directory;
        this.addresses = addresses;
        this.nodes = nodes;
    }

    /** Starts the nodes on free loopback ports; see {@link #start(LocalClusterSpec, Path, NodeAddressPlan)}. */
    public static LocalCluster start(LocalClusterSpec spec, Path directory) throws IOException {
        return start(spec, directory, NodeAddressPlan.loopback(spec.nodeCount()));
    }

    /**
     * Starts every node and waits (up to the spec's start timeout) until each answers a status request. Does not
     * wait for a leader: see {@link #awaitLeader(Duration)}.
     */
    public static LocalCluster start(LocalClusterSpec spec, Path directory, NodeAddressPlan addresses) throws IOException {
        Files.createDirectories(directory);
        Map<Integer, LocalNode> nodes = new LinkedHashMap<>();
        for (int id = 1; id <= spec.nodeCount(); id++) {
            Files.createDirectories(nodeDirectory(directory, id));
            nodes.put(id, node(spec, directory, addresses, id));
        }
        LocalCluster cluster = new LocalCluster(spec, directory, addresses, nodes);
        try {
            if (spec.backend() == LocalClusterSpec.Backend.PROCESSES) Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
            for (LocalNode node : nodes.values()) node.start();
            long deadline = System.nanoTime() + spec.startTimeout().toNanos();
            for (int id : nodes.keySet()) cluster.awaitServing(id, deadline);
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static LocalNode node(LocalClusterSpec spec, Path directory, NodeAddressPlan addresses, int id) {
        List<String> runArguments = new ArrayList<>(List.of("--id", Integer.toString(id),
                "--peers", addressList(addresses.peersFor(id)), "--clients", addressList(addresses.clientAddresses()),
                "--data-dir", dataDirectory(directory, id).toString(), "--event-log", eventLog(directory, id).toString()));
        runArguments.addAll(spec.nodeArguments());
        if (spec.backend() == LocalClusterSpec.Backend.IN_PROCESS) {
            if (!addresses.commandPrefix(id).isEmpty()) {
                throw new IllegalArgumentException("in-process nodes cannot run under " + addresses.commandPrefix(id));
            }
            return new InProcessNode(id, KvNodeMain.configOf(runArguments), spec.nodeStarter());
        }
        List<String> command = new ArrayList<>(addresses.commandPrefix(id));
        command.add(javaBinary());
        command.addAll(spec.jvmOptions());
        command.addAll(List.of("-cp", spec.classPath(), NODE_MAIN_CLASS, "run"));
        command.addAll(runArguments);
        return new ProcessNode(id, dataDirectory(directory, id), logFile(directory, id), command);
    }

    /** This JVM's own {@code java} binary: the nodes run on the JVM that starts them. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The class path of this JVM's classes: inside a surefire fork the test class path, else this JVM's. */
    public static String ownClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** A node's folder in a cluster's directory: {@code n<id>}. */
    public static Path nodeDirectory(Path clusterDirectory, int nodeId) {
        return clusterDirectory.resolve("n" + nodeId);
    }

    private static Path dataDirectory(Path clusterDirectory, int nodeId) {
        return nodeDirectory(clusterDirectory, nodeId).resolve("data");
    }

    /** A node's event log in a cluster's directory: {@code n<id>/events.jsonl}. */
    public static Path eventLog(Path clusterDirectory, int nodeId) {
        return nodeDirectory(clusterDirectory, nodeId).resolve("events.jsonl");
    }

    private static Path logFile(Path clusterDirectory, int nodeId) {
        return nodeDirectory(clusterDirectory, nodeId).resolve("node.log");
    }

    private static String addressList(Map<Integer, InetSocketAddress> addresses) {
        return addresses.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue().getHostString() + ":" + entry.getValue().getPort())
                .collect(Collectors.joining(","));
    }

    // ---------------------------------------------------------------- where things are

    public LocalClusterSpec spec() {
        return spec;
    }

    public Path directory() {
        return directory;
    }

    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    public int size() {
        return nodes.size();
    }

    public InetSocketAddress clientAddress(int nodeId) {
        node(nodeId);
        return addresses.clientAddresses().get(nodeId);
    }

    /** Every node's client address, by id. */
    public Map<Integer, InetSocketAddress> clientAddresses() {
        return addresses.clientAddresses();
    }

    /** Every node's client address, in id order. */
    public List<InetSocketAddress> clientAddressList() {
        return new ArrayList<>(clientAddresses().values());
    }

    /** The node's own peer (raft) listen address; with proxies between the nodes, the real one behind them. */
    public InetSocketAddress peerAddress(int nodeId) {
        node(nodeId);
        return addresses.peersFor(nodeId).get(nodeId);
    }

    public Path dataDirectory(int nodeId) {
        node(nodeId);
        return dataDirectory(directory, nodeId);
    }

    public Path eventLog(int nodeId) {
        node(nodeId);
        return eventLog(directory, nodeId);
    }

    /** A process's output; in-process nodes log to this JVM's. */
    public Path logFile(int nodeId) {
        node(nodeId);
        return logFile(directory, nodeId);
    }

    /** A process's whole command line. */
    public List<String> commandLine(int nodeId) {
        if (node(nodeId) instanceof ProcessNode process) return process.command();
        throw new IllegalStateException("n" + nodeId + " runs in this JVM: it has no command line");
    }

    /** The node's process id (an in-process node's is this JVM's). */
    public long pid(int nodeId) {
        return node(nodeId).pid();
    }

    /** "running", or how the node ended: "exit code N" for a child process. */
    public String exitDescription(int nodeId) {
        return node(nodeId).exitDescription();
    }

    public boolean isRunning(int nodeId) {
        return node(nodeId).isRunning();
    }

    /** An in-process node's runtime, while it runs. */
    public NodeRuntime runtime(int nodeId) {
        return inProcess(nodeId).runtime();
    }

    /** An in-process node's configuration, as parsed from its {@code kvnode run} options. */
    public NodeConfig config(int nodeId) {
        return inProcess(nodeId).config();
    }

    private InProcessNode inProcess(int nodeId) {
        if (node(nodeId) instanceof InProcessNode inProcess) return inProcess;
        throw new IllegalStateException("n" + nodeId + " is a child process, not a runtime in this JVM");
    }

    // ---------------------------------------------------------------- status

    /** The node's status, or empty if it is stopped or does not answer within 500 ms (paused, starting). */
    public Optional<NodeStatus> status(int nodeId) {
        if (!node(nodeId).isRunning()) return Optional.empty();
        return statusProbe.status(nodeId, clientAddress(nodeId));
    }

    /** Drops the status connection to the node: after a fault it may be dead or stuck, and the next status reconnects. */
    public void dropStatusConnection(int nodeId) {
        statusProbe.forget(nodeId);
    }

    /** Statuses of every node that answers, by id. */
    public Map<Integer, NodeStatus> statuses() {
        return statuses(id -> true);
    }

    /** Statuses of the nodes {@code askable} lets ask (a paused node is not) that answer, by id. */
    public Map<Integer, NodeStatus> statuses(IntPredicate askable) {
        Map<Integer, NodeStatus> statuses = new LinkedHashMap<>();
        for (int id : nodes.keySet()) {
            if (askable.test(id)) status(id).ifPresent(status -> statuses.put(id, status));
        }
        return statuses;
    }

    /** The leader by {@link NodeStatus#leaderOf}'s rule (confirmed by a majority), among the nodes {@code askable} lets ask. */
    public Optional<NodeStatus> findLeader(IntPredicate askable) {
        return NodeStatus.leaderOf(statuses(askable), nodes.size());
    }

    public NodeStatus awaitLeader(Duration timeout) throws IOException {
        return awaitLeader(timeout, id -> true);
    }

    /**
     * Polls {@link #findLeader} every 10 ms until a leader appears; after the timeout throws an IOException with every
     * node's status and where the logs are.
     */
    public NodeStatus awaitLeader(Duration timeout, IntPredicate askable) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<NodeStatus> leader = findLeader(askable);
            if (leader.isPresent()) return leader.get();
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("no leader after " + timeout + "; statuses: "
                        + NodeStatus.describe(statuses(askable).values()) + "; logs under " + directory);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    // ---------------------------------------------------------------- stopping and starting nodes

    /**
     * SIGKILL (an in-process node: closed at once) and wait for the exit: {@link System#nanoTime()} just after the
     * signal left, or empty if the node was not running.
     */
    public OptionalLong kill(int nodeId) throws IOException {
        dropStatusConnection(nodeId);
        return node(nodeId).kill();
    }

    /** SIGTERM (a leader hands over first) and wait up to {@code timeout} for the exit; SIGKILL and throw after it. */
    public void terminate(int nodeId, Duration timeout) throws IOException {
        dropStatusConnection(nodeId);
        node(nodeId).terminate(timeout);
    }

    /** Starts a stopped node on its ports and folder and waits until it serves. */
    public void start(int nodeId) throws IOException {
        dropStatusConnection(nodeId);
        node(nodeId).start();
        awaitServing(nodeId, System.nanoTime() + spec.startTimeout().toNanos());
    }

    /** Kills the node if it runs, starts it again and waits until it serves. */
    public void restart(int nodeId) throws IOException {
        kill(nodeId);
        start(nodeId);
    }

    /** Starts every stopped node again (after a whole-cluster stop) and waits until each serves. */
    public void startStopped() throws IOException {
        List<Integer> started = new ArrayList<>();
        for (Map.Entry<Integer, LocalNode> entry : nodes.entrySet()) {
            if (!entry.getValue().isRunning()) {
                dropStatusConnection(entry.getKey());
                entry.getValue().start();
                started.add(entry.getKey());
            }
        }
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        for (int id : started) awaitServing(id, deadline);
    }

    /** The readiness rule: the node answers a status request on its client port, as itself. */
    private void awaitServing(int nodeId, long deadlineNanos) throws IOException {
        LocalNode node = node(nodeId);
        while (true) {
            if (!node.isRunning()) throw new IOException("n" + nodeId + " stopped while starting: " + node.whyStopped());
            Optional<NodeStatus> status = statusProbe.status(nodeId, clientAddress(nodeId));
            if (status.isPresent()) {
                if (status.get().nodeId() == nodeId) return;
                throw new IOException("n" + nodeId + "'s client address " + clientAddress(nodeId) + " is answered by node "
                        + status.get().nodeId() + " (another cluster's?)");
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IOException("n" + nodeId + " does not answer a status request within " + spec.startTimeout()
                        + " of starting; " + node.whyStopped());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private LocalNode node(int nodeId) {
        LocalNode node = nodes.get(nodeId);
        if (node == null) throw new IllegalArgumentException("no node " + nodeId + " in " + nodes.keySet());
        return node;
    }

    // ---------------------------------------------------------------- the end

    /**
     * Leaves the processes running when this object closes (a cluster that outlives the command that started it):
     * no shutdown hook, and {@link #close()} only closes the status connections.
     */
    public synchronized void detach() {
        if (spec.backend() == LocalClusterSpec.Backend.IN_PROCESS) {
            throw new IllegalStateException("in-process nodes cannot outlive this JVM");
        }
        detached = true;
        removeShutdownHook();
    }

    /** Stops every node (see {@link LocalClusterSpec#stopGracePeriod()}) unless detached. Never throws. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (!detached) stopAll(spec.stopGracePeriod());
        statusProbe.close();
        removeShutdownHook();
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs or ran; stopping twice is harmless
        }
    }

    /** One node after the other when killing; with a grace period every node's at once, as SIGTERM goes to each. */
    private void stopAll(Duration gracePeriod) {
        for (int id : nodes.keySet()) dropStatusConnection(id);
        if (gracePeriod.isZero()) {
            for (LocalNode node : nodes.values()) node.stop(gracePeriod);
            return;
        }
        List<Thread> stopping = new ArrayList<>();
        for (LocalNode node : nodes.values()) {
            Thread thread = new Thread(() -> node.stop(gracePeriod), "local-cluster-stop");
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "LocalCluster" + clientAddresses() + " (" + spec.backend() + ") in " + directory;
    }
}
