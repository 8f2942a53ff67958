package io.kvbench.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link LoadGenerator} run on a thread of its own, for load that lasts as long as something else does (a
 * chaos campaign): the schedule runs until {@link #stop()}, then what was sent is awaited and the usual files
 * are written. Start with {@link LoadGenerator#start}.
 */
public final class BackgroundLoad implements AutoCloseable {

    private final LoadGenerator generator;
    private final Thread thread;
    private final AtomicReference<LoadSummary> summary = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    BackgroundLoad(LoadGenerator generator) {
        this.generator = generator;
        this.thread = new Thread(this::runGenerator, "load-background");
        thread.setDaemon(true);
        thread.start();
    }

    private void runGenerator() {
        try {
            summary.set(generator.run());
        } catch (Throwable thrown) {
            failure.set(thrown);
        }
    }

    /** {@link System#nanoTime()} at the end of warm-up: {@code elapsed_s} 0 of the run's timeseries.csv. */
    public long measureStartNanos() {
        return generator.measureStartNanos();
    }

    /** Ends the schedule now; returns at once. No request intended from now on is sent. */
    public void stop() {
        generator.stop();
    }

    /**
     * Stops, waits for the operations already sent (each ends within the spec's operation timeout) and for the
     * files, and returns the summary.
     */
    public LoadSummary finish() throws IOException, InterruptedException {
        stop();
        thread.join();
        Throwable thrown = failure.get();
        if (thrown instanceof IOException io) {
            throw io;
        }
        if (thrown instanceof UncheckedIOException unchecked) {
            throw unchecked.getCause();
        }
        if (thrown != null) {
            throw new IOException("load generator failed: " + thrown, thrown);
        }
        return summary.get();
    }

    /** Stops and waits, for a caller that leaves early; the summary, if any, is dropped. */
    @Override
    public void close() throws InterruptedException {
        stop();
        thread.join();
    }
}
