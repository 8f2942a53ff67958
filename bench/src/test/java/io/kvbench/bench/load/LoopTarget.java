package io.kvbench.bench.load;

import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.Target;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A target with an I/O thread of its own, as a Netty client has: {@link #sendingLoop()} is it, and answers come on
 * it, after {@code serviceNanos} (0: at once, on the caller's thread, inside {@link #execute}). Counts what it was
 * sent, from which thread, and the most it had outstanding at once; {@code answer} false never answers.
 */
final class LoopTarget implements Target {
    static final String LOOP_THREAD_NAME = "loop-target";

    private final long serviceNanos;
    private final boolean answer;
    private ScheduledExecutorService loop;
    final AtomicLong executed = new AtomicLong();
    final AtomicLong executedOffTheLoop = new AtomicLong();
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicInteger mostOutstanding = new AtomicInteger();

    LoopTarget(long serviceNanos, boolean answer) {
        this.serviceNanos = serviceNanos;
        this.answer = answer;
    }

    @Override
    public String name() {
        return "loop";
    }

    @Override
    public void open() {
        loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, LOOP_THREAD_NAME);
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
        executed.incrementAndGet();
        if (!Thread.currentThread().getName().equals(LOOP_THREAD_NAME)) executedOffTheLoop.incrementAndGet();
        mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
        CompletableFuture<OpResult> result = new CompletableFuture<>();
        if (!answer) return result;
        if (serviceNanos == 0) {
            outstanding.decrementAndGet();
            result.complete(OpResult.ok());
        } else {
            loop.schedule(() -> {
                outstanding.decrementAndGet();
                result.complete(OpResult.ok());
            }, serviceNanos, TimeUnit.NANOSECONDS);
        }
        return result;
    }

    @Override
    public void close() {
        if (loop != null) loop.shutdownNow();
    }
}
