package io.kvbench.bench.target;

import java.util.concurrent.CompletableFuture;

/**
 * Answers every operation at once on the caller's thread. Driving it shows the generator's own ceiling:
 * any latency it reports is the generator's, not a store's.
 */
public final class NoopTarget implements Target {

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public void open() {
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
    }
}
