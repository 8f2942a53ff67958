package io.kvbench.chaos.cluster.described;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.cluster.ClusterTiming;
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.node.local.NodeStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A kvnode or etcd cluster that runs somewhere else (other hosts, or processes this JVM did not start), described
 * by a {@link ClusterFile} and driven by its shell commands, the way Jepsen drives real hosts over ssh. Leader and
 * status come from the nodes themselves ({@link NodeProbe}: kvnode's client protocol, etcd's HTTP status API);
 * whether a node runs is what the harness did to it (kill, pause, ...), or the file's status command when it
 * gives one.
 *
 * <p>It does not own the cluster: {@link #close()} stops nothing. It puts back what the harness changed instead:
 * a node it killed or stopped is started again, a paused one resumed, an isolated one rejoined, so the cluster is
 * left as it was found, running. Every command it runs is logged with its exit code and duration in
 * {@code commands.log} under the run directory.
 */
public final class DescribedCluster implements Cluster {
    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(500);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** What the harness last did to a node. */
    private enum State { RUNNING, PAUSED, STOPPED }

    private final ClusterFile file;
    private final Path runDirectory;
    private final Map<Integer, DescribedNode> nodes = new LinkedHashMap<>();
    private final Map<Integer, InetSocketAddress> clientAddresses = new LinkedHashMap<>();
    private final Map<Integer, State> states = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> isolated = new ConcurrentHashMap<>();
    private final NodeProbe probe;
    private final CommandLog commandLog;
    private final Thread shutdownHook = new Thread(this::restoreQuietly, "described-cluster-restore");
    private boolean closed;

    private DescribedCluster(ClusterFile file, Path runDirectory) {
        this.file = file;
        this.runDirectory = runDirectory;
        this.commandLog = new CommandLog(runDirectory.resolve("commands.log"));
        this.probe = NodeProbe.forFile(file, STATUS_TIMEOUT);
        for (DescribedNode node : file.nodes()) {
            nodes.put(node.id(), node);
            clientAddresses.put(node.id(), node.client().toSocketAddress());
            states.put(node.id(), State.RUNNING);
            isolated.put(node.id(), false);
        }
    }

    /**
     * Connects to a running cluster: waits (up to the file's start timeout) until every node answers status on its
     * client address as itself (a kvnode with its own id; etcd members each with a member id of their own, all of
     * one cluster), and, if the file gives a status command, checks that it says each node runs.
     * Writes {@code commands.log} under {@code runDirectory}.
     */
    public static DescribedCluster connect(ClusterFile file, Path runDirectory) throws IOException {
        Files.createDirectories(runDirectory);
        DescribedCluster cluster = new DescribedCluster(file, runDirectory);
        try {
            long deadline = System.nanoTime() + file.startTimeout().toNanos();
            for (DescribedNode node : file.nodes()) {
                cluster.awaitServing(node.id(), deadline, "is the cluster running?");
                if (node.command(NodeAction.STATUS).isPresent()) {
                    ShellCommand.Result status = cluster.runStatusCommand(node.id());
                    if (!status.succeeded()) {
                        throw new IOException(file.source() + ": node " + node.id() + " answers on " + node.client()
                                + " but its status command says it is not running (exit " + status.exitCode() + ")"
                                + (status.stderr().isBlank() ? "" : ": " + status.stderr().strip().replaceAll("\\s*\\R\\s*", " | "))
                                + "; check the status command");
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            cluster.probe.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        return cluster;
    }

    public ClusterFile file() {
        return file;
    }

    @Override
    public String targetName() {
        return file.target();
    }

    @Override
    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    @Override
    public ClusterTiming timing() {
        return file.timing();
    }

    @Override
    public InetSocketAddress clientAddress(int nodeId) {
        node(nodeId);
        return clientAddresses.get(nodeId);
    }

    /** The client address as the file writes it, as an http URL (the host is not resolved). */
    @Override
    public URI clientUrl(int nodeId) {
        return node(nodeId).clientUrl();
    }

    /** The file's status command when it gives one (a failure to run it falls back on what the harness did), else what the harness did. */
    @Override
    public boolean isRunning(int nodeId) {
        DescribedNode node = node(nodeId);
        if (node.command(NodeAction.STATUS).isPresent()) {
            try {
                return statusCommandSaysRunning(nodeId);
            } catch (IOException e) {
                return states.get(nodeId) != State.STOPPED;
            }
        }
        return states.get(nodeId) != State.STOPPED;
    }

    @Override
    public boolean isPaused(int nodeId) {
        node(nodeId);
        return states.get(nodeId) == State.PAUSED;
    }

    public boolean isIsolated(int nodeId) {
        node(nodeId);
        return isolated.get(nodeId);
    }

    /** A command (often ssh) runs first: the fault lands somewhere before it returns. */
    @Override
    public boolean faultsLandWhenCalled() {
        return false;
    }

    /**
     * A kvnode's status over the client protocol, or empty if it does not answer in 500 ms; paused and stopped
     * nodes are not asked. Always empty for etcd, which has no kvnode status.
     */
    @Override
    public Optional<NodeStatus> status(int nodeId) {
        node(nodeId);
        if (states.get(nodeId) != State.RUNNING) return Optional.empty();
        return probe.kvnodeStatus(nodeId);
    }

    /** The leader the running nodes report, confirmed by a majority of the cluster; paused and stopped nodes are not asked. */
    @Override
    public Optional<LeaderInfo> findLeader() {
        return probe.findLeader(runningNodeIds());
    }

    /** Polls {@link #findLeader()} every 10 ms; after the timeout the error holds what each running node said. */
    @Override
    public LeaderInfo awaitLeader(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<LeaderInfo> leader = findLeader();
            if (leader.isPresent()) return leader.get();
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("no " + file.target() + " leader after " + timeout + "; statuses: "
                        + probe.describe(runningNodeIds()) + "; commands in " + commandLog.file());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private List<Integer> runningNodeIds() {
        return nodes.keySet().stream().filter(id -> states.get(id) == State.RUNNING).toList();
    }

    @Override
    public synchronized void kill(int nodeId) throws IOException {
        probe.forget(nodeId);
        run(nodeId, NodeAction.KILL);
        states.put(nodeId, State.STOPPED);
    }

    @Override
    public synchronized void pause(int nodeId) throws IOException {
        probe.forget(nodeId);
        run(nodeId, NodeAction.PAUSE);
        states.put(nodeId, State.PAUSED);
    }

    @Override
    public synchronized void resume(int nodeId) throws IOException {
        run(nodeId, NodeAction.RESUME);
        states.put(nodeId, State.RUNNING);
    }

    /** Runs the stop command (resuming a paused node first), then waits until the node no longer answers. */
    @Override
    public synchronized void terminate(int nodeId, Duration timeout) throws IOException {
        if (states.get(nodeId) == State.PAUSED) resume(nodeId);
        probe.forget(nodeId);
        run(nodeId, NodeAction.STOP);
        states.put(nodeId, State.STOPPED);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (probe.answers(nodeId)
                || (node(nodeId).command(NodeAction.STATUS).isPresent() && statusCommandSaysRunning(nodeId))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("node " + nodeId + " still runs " + timeout.toMillis() + " ms after its stop command");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        probe.forget(nodeId);
    }

    /** Kills the node if the harness did not already stop it, runs its start command and waits until it answers status. */
    @Override
    public synchronized void restart(int nodeId) throws IOException {
        if (states.get(nodeId) != State.STOPPED) kill(nodeId);
        start(nodeId);
    }

    private void start(int nodeId) throws IOException {
        probe.forget(nodeId);
        run(nodeId, NodeAction.START);
        awaitServing(nodeId, System.nanoTime() + file.startTimeout().toNanos(), "see the node's log on " + node(nodeId).host());
        states.put(nodeId, State.RUNNING);
    }

    /**
     * Runs the isolate command: the node keeps running but its peer links are cut. Unchecked, like
     * {@code LocalKvCluster.isolate}; a file without the command throws UnsupportedOperationException.
     */
    @Override
    public synchronized void isolate(int nodeId) {
        runUnchecked(nodeId, NodeAction.ISOLATE);
        isolated.put(nodeId, true);
    }

    /** Runs the rejoin command: heals what {@link #isolate(int)} cut. */
    @Override
    public synchronized void rejoin(int nodeId) {
        runUnchecked(nodeId, NodeAction.REJOIN);
        isolated.put(nodeId, false);
    }

    private void runUnchecked(int nodeId, NodeAction action) {
        if (node(nodeId).command(action).isEmpty()) {
            throw new UnsupportedOperationException(file.source() + " gives no '" + action.key() + "' command for node " + nodeId);
        }
        try {
            run(nodeId, action);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<Path> eventLog(int nodeId) {
        return Optional.ofNullable(node(nodeId).eventLog());
    }

    @Override
    public Path runDirectory() {
        return runDirectory;
    }

    /**
     * Puts back what the harness changed: rejoins isolated nodes, resumes paused ones, starts stopped ones (unless
     * one already answers again) and waits until they serve. Tries every node; throws one IOException naming each
     * that could not be restored.
     */
    public synchronized void restore() throws IOException {
        List<String> failures = new ArrayList<>();
        for (int id : nodes.keySet()) {
            try {
                if (isolated.get(id)) rejoin(id);
                State state = states.get(id);
                if (state == State.PAUSED) resume(id);
                if (state == State.STOPPED) {
                    if (probe.answers(id)) {
                        states.put(id, State.RUNNING);
                    } else {
                        start(id);
                    }
                }
            } catch (IOException | RuntimeException e) {
                failures.add("node " + id + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) throw new IOException("could not restore " + String.join("; ", failures));
    }

    private void restoreQuietly() {
        try {
            restore();
        } catch (IOException | RuntimeException e) {
            System.err.println("described cluster " + file.source() + ": " + e.getMessage());
        }
    }

    /** Restores the cluster (see {@link #restore()}; failures are printed, not thrown) and closes the status connections. Stops no node. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        restoreQuietly();
        probe.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs or ran; restoring twice finds nothing left to do
        }
    }

    private ShellCommand.Result run(int nodeId, NodeAction action) throws IOException {
        String command = node(nodeId).command(action).orElseThrow(() -> new UnsupportedOperationException(
                file.source() + " gives no '" + action.key() + "' command for node " + nodeId));
        return commandLog.run("node " + nodeId + " " + action.key(), command, file.commandTimeout(), true);
    }

    private boolean statusCommandSaysRunning(int nodeId) throws IOException {
        return runStatusCommand(nodeId).succeeded();
    }

    private ShellCommand.Result runStatusCommand(int nodeId) throws IOException {
        String command = node(nodeId).command(NodeAction.STATUS).orElseThrow();
        return commandLog.run("node " + nodeId + " status", command, file.commandTimeout(), false);
    }

    private void awaitServing(int nodeId, long deadlineNanos, String hint) throws IOException {
        DescribedNode node = node(nodeId);
        while (true) {
            if (probe.answers(nodeId)) return;
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IOException(file.source() + ": node " + nodeId + " does not answer status on " + node.client()
                        + " within " + file.startTimeout().toMillis() + " ms; " + hint);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private DescribedNode node(int nodeId) {
        DescribedNode node = nodes.get(nodeId);
        if (node == null) throw new IllegalArgumentException("no node " + nodeId + " in " + file.source() + " (ids " + nodes.keySet() + ")");
        return node;
    }

    @Override
    public String toString() {
        return "DescribedCluster(" + file.source() + ")" + clientAddresses.values();
    }
}
