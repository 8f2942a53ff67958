package io.kvbench.bench.target;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A system under test. {@link #execute} must not block: the load generator keeps many operations in flight
 * from few threads, and a blocking call would delay the sends behind it (the coordinated omission the
 * generator exists to avoid).
 */
public interface Target extends AutoCloseable {

    /** Short name for reports, e.g. {@code "etcd"}. */
    String name();

    /** Connects, allocates; called once before the first {@link #execute}. */
    void open() throws IOException;

    /**
     * Starts one operation. The future completes with a result (FAILED or TIMEOUT rather than exceptionally
     * where the target can tell); it may complete on any thread, including the caller's.
     */
    CompletableFuture<OpResult> execute(Operation operation);

    /**
     * The single thread on which {@link #execute} costs least, because the target does its I/O there (a Netty event
     * loop: a call from it writes to the socket at once instead of waking the loop with a task), or null if there is
     * none. With {@link io.kvbench.bench.load.LoadPacing#TARGET_EVENT_LOOP} the generator paces and sends on it.
     * Valid between {@link #open} and {@link #close}.
     */
    default ScheduledExecutorService sendingLoop() {
        return null;
    }

    /** How the target makes writes durable, recorded in run.json beside the results. */
    default String fsyncMode() {
        return "unknown";
    }

    @Override
    void close();
}
