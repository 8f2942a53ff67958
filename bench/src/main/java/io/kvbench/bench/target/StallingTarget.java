package io.kvbench.bench.target;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Test double for coordinated omission: answers each operation after a fixed service time, except that
 * during one stall window (starting {@code stallStartAfterOpen} after {@link #open()}, lasting
 * {@code stallLength}) no answer is delivered; everything due inside the window is delivered when it ends.
 * This is the "freeze the server for T seconds" experiment from Gil Tene's "How NOT to Measure Latency"
 * and wrk2's README.
 */
public final class StallingTarget implements Target {

    private final long serviceTimeNanos;
    private final long stallStartAfterOpenNanos;
    private final long stallLengthNanos;
    private ScheduledExecutorService responder;
    private long stallStartNanos;
    private long stallEndNanos;

    public StallingTarget(Duration serviceTime, Duration stallStartAfterOpen, Duration stallLength) {
        this.serviceTimeNanos = serviceTime.toNanos();
        this.stallStartAfterOpenNanos = stallStartAfterOpen.toNanos();
        this.stallLengthNanos = stallLength.toNanos();
    }

    @Override
    public String name() {
        return "stalling";
    }

    @Override
    public void open() {
        responder = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "stalling-target-responder");
            thread.setDaemon(true);
            return thread;
        });
        stallStartNanos = System.nanoTime() + stallStartAfterOpenNanos;
        stallEndNanos = stallStartNanos + stallLengthNanos;
    }

    @Override
    public CompletableFuture<OpResult> execute(Operation operation) {
        long nowNanos = System.nanoTime();
        long answerAtNanos = nowNanos + serviceTimeNanos;
        if (answerAtNanos - stallStartNanos >= 0 && answerAtNanos - stallEndNanos < 0) {
            answerAtNanos = stallEndNanos;
        }
        CompletableFuture<OpResult> result = new CompletableFuture<>();
        responder.schedule(() -> result.complete(OpResult.ok()), answerAtNanos - nowNanos, TimeUnit.NANOSECONDS);
        return result;
    }

    /** The responder's thread: a generator pacing on it sends from where the answers come, as on a client's loop. */
    @Override
    public ScheduledExecutorService sendingLoop() {
        return responder;
    }

    @Override
    public String fsyncMode() {
        return "none";
    }

    @Override
    public void close() {
        if (responder != null) {
            responder.shutdownNow();
        }
    }
}
