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
    /** The execute call (1-based) that throws an Error instead; 0: none. */
    private long throwErrorAt;
    /** When the loop thread is blocked, and for how long (0: never): a stall of the pacing thread itself. */
    private long blockLoopAfterOpenNanos;
    private long blockLoopNanos;
    /** Answers come from this thread instead of the loop (null: from the loop), as from a pool of the target's. */
    private ScheduledExecutorService answerer;
    /** System.nanoTime() of every execute call, in order, up to its capacity. */
    final long[] sendNanos = new long[100_000];
    final AtomicLong executed = new AtomicLong();
    final AtomicLong executedOffTheLoop = new AtomicLong();
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicInteger mostOutstanding = new AtomicInteger();

    LoopTarget(long serviceNanos, boolean answer) {
        this.serviceNanos = serviceNanos;
        this.answer = answer;
    }

    /** Answers from a thread of their own, not the loop: the pacer must be brought back to its loop by them. */
    LoopTarget answeringOffTheLoop() {
        answerer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "loop-target-answers");
            thread.setDaemon(true);
            return thread;
        });
        return this;
    }

    /** Every {@code every}-th answer takes {@code slowNanos} instead of the service time (0: none). */
    private long slowEvery;
    private long slowNanos;

    LoopTarget slowEvery(long every, long nanos) {
        slowEvery = every;
        slowNanos = nanos;
        return this;
    }

    /** Tasks waiting on the loop now, timers included (a ScheduledThreadPoolExecutor's queue). */
    int tasksWaitingOnTheLoop() {
        return ((java.util.concurrent.ScheduledThreadPoolExecutor) loop).getQueue().size();
    }

    /** The {@code call}-th execute throws an Error, as a bug in a target would. */
    LoopTarget throwingErrorAt(long call) {
        throwErrorAt = call;
        return this;
    }

    /** Blocks the loop thread for {@code lengthNanos} once, {@code afterOpenNanos} after {@link #open}. */
    LoopTarget blockingTheLoop(long afterOpenNanos, long lengthNanos) {
        blockLoopAfterOpenNanos = afterOpenNanos;
        blockLoopNanos = lengthNanos;
        return this;
    }

    @Override
    public String name() {
        return "loop";
    }

    @Override
    public void open() {
        java.util.concurrent.ScheduledThreadPoolExecutor executor = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                runnable -> {
                    Thread thread = new Thread(runnable, LOOP_THREAD_NAME);
                    thread.setDaemon(true);
                    return thread;
                });
        // As a Netty event loop does: a cancelled timer (each answered request's timeout) leaves the queue at once.
        executor.setRemoveOnCancelPolicy(true);
        loop = executor;
        if (blockLoopNanos > 0) {
            // Simulates the thread itself not running (a GC pause, a descheduled process), which only a sleep on it does.
            loop.schedule(() -> java.util.concurrent.locks.LockSupport.parkNanos(blockLoopNanos), blockLoopAfterOpenNanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public ScheduledExecutorService sendingLoop() {
        return loop;
    }

    @Override
    public CompletableFuture<OpResult> execute(Operation operation) {
        long call = executed.incrementAndGet();
        if (call <= sendNanos.length) sendNanos[(int) call - 1] = System.nanoTime();
        if (call == throwErrorAt) throw new AssertionError("target bug at call " + call);
        if (!Thread.currentThread().getName().equals(LOOP_THREAD_NAME)) executedOffTheLoop.incrementAndGet();
        mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
        CompletableFuture<OpResult> result = new CompletableFuture<>();
        if (!answer) return result;
        if (serviceNanos == 0) {
            outstanding.decrementAndGet();
            result.complete(OpResult.ok());
        } else {
            (answerer != null ? answerer : loop).schedule(() -> {
                outstanding.decrementAndGet();
                result.complete(OpResult.ok());
            }, slowEvery > 0 && call % slowEvery == 0 ? slowNanos : serviceNanos, TimeUnit.NANOSECONDS);
        }
        return result;
    }

    @Override
    public void close() {
        if (loop != null) loop.shutdownNow();
        if (answerer != null) answerer.shutdownNow();
    }
}
