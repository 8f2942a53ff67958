package io.kvbench.bench.target;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Answers every operation at once on the caller's thread. Driving it shows the generator's own ceiling:
 * any latency it reports is the generator's, not a store's. {@link #withLoop()} also offers a thread of its own to
 * pace on ({@link #sendingLoop()}), so the ceiling of {@code --pacing event-loop} is measured as that pacing runs.
 */
public final class NoopTarget implements Target {

    private final boolean offersLoop;
    private ScheduledExecutorService loop;

    public NoopTarget() {
        this(false);
    }

    private NoopTarget(boolean offersLoop) {
        this.offersLoop = offersLoop;
    }

    /** A noop target with an I/O thread of its own, as the kvnode and etcd clients have. */
    public static NoopTarget withLoop() {
        return new NoopTarget(true);
    }

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public void open() {
        if (!offersLoop) return;
        loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "noop-target-loop");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public ScheduledExecutorService sendingLoop() {
        return loop;
    }

    @Override
    public CompletableFuture<OpResult> execute(Operation operation) {
        // A fresh future each time: the generator attaches its own callbacks and timeout to it.
        return CompletableFuture.completedFuture(OpResult.ok());
    }

    @Override
    public String fsyncMode() {
        return "none";
    }

    @Override
    public void close() {
        if (loop != null) loop.shutdownNow();
        loop = null;
    }
}
