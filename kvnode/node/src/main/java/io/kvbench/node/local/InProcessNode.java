package io.kvbench.node.local;

import io.kvbench.node.NodeConfig;
import io.kvbench.node.NodeRuntime;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A node as a {@link NodeRuntime} in this JVM, configured by parsing the same {@code kvnode run} options a child
 * process gets ({@link io.kvbench.node.KvNodeMain#configOf}), so both backends run one configuration.
 */
final class InProcessNode implements LocalNode {
    private final int id;
    private final NodeConfig config;
    private final LocalClusterSpec.NodeStarter starter;
    private volatile NodeRuntime runtime;
    private volatile String stopReason = "never started";

    InProcessNode(int id, NodeConfig config, LocalClusterSpec.NodeStarter starter) {
        this.id = id;
        this.config = config;
        this.starter = starter;
    }

    NodeConfig config() {
        return config;
    }

    /** The running node; throws when it is stopped. */
    NodeRuntime runtime() {
        NodeRuntime running = runtime;
        if (running == null) throw new IllegalStateException("n" + id + " is not running (" + stopReason + ")");
        return running;
    }

    @Override
    public synchronized void start() throws IOException {
        if (runtime != null) throw new IllegalStateException("n" + id + " already runs");
        try {
            runtime = starter.start(config);
        } catch (IOException | RuntimeException e) {
            stopReason = "failed to start: " + e;
            throw e;
        }
    }

    @Override
    public boolean isRunning() {
        return runtime != null;
    }

    @Override
    public synchronized OptionalLong kill() {
        NodeRuntime running = runtime;
        if (running == null) return OptionalLong.empty();
        long closingNanos = System.nanoTime();
        stop(running, "closed");
        return OptionalLong.of(closingNanos);
    }

    @Override
    public synchronized void terminate(Duration timeout) {
        NodeRuntime running = runtime();
        runtime = null;
        stopReason = "shut down gracefully";
        running.shutdownGracefully(timeout);
    }

    @Override
    public synchronized void stop(Duration gracePeriod) {
        NodeRuntime running = runtime;
        if (running == null) return;
        if (gracePeriod.isZero()) {
            stop(running, "closed");
        } else {
            runtime = null;
            stopReason = "shut down gracefully";
            running.shutdownGracefully(gracePeriod);
        }
    }

    private void stop(NodeRuntime running, String reason) {
        runtime = null;
        stopReason = reason;
        running.close();
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public String exitDescription() {
        return whyStopped();
    }

    @Override
    public String whyStopped() {
        return isRunning() ? "running in this JVM" : stopReason;
    }
}
