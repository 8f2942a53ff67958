package io.kvbench.bench.load;

import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.Target;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;

/**
 * Sends one pacer's requests and records their completions, whichever thread paces ({@link Sender} or
 * {@link LoopPacer}). The caller holds an in-flight permit for each request it sends; the completion gives it back.
 *
 * <p>The rule that makes the numbers honest (wrk2 README; Gil Tene, "How NOT to Measure Latency"): latency
 * runs from the intended send time. If the target is slow, or the in-flight limit is reached and the pacer must
 * wait for a permit, the waiting is part of the latency of every request that should have gone out in the
 * meantime. Service time, from the actual send, is recorded beside it (YCSB's measurement.interval=both).
 */
final class RequestDispatch {

    private final Target target;
    private final Semaphore permits;
    private final RunClock clock;
    private final RunCounters counters;
    private final long operationTimeoutNanos;
    /** Runs after each completion has given its permit back (a pacer waiting for one); may run on any thread. */
    private final Runnable afterPermitReleased;
    /**
     * Where each request's timeout timer is set: the pacing loop's own timers when sends happen on it (setting and
     * cancelling one there wakes no thread), or null for CompletableFuture's shared delay thread, which is woken
     * whenever its queue's head changes: with one request in flight, on every request.
     */
    private final ScheduledExecutorService timeoutTimers;
    /** Recorder is safe for many concurrent writers, so completion callbacks on any thread may record. */
    final Recorder latencyMicros = MicrosHistograms.newRecorder();
    final Recorder serviceMicros = MicrosHistograms.newRecorder();

    RequestDispatch(LoadSpec spec, Target target, Semaphore permits, RunClock clock, RunCounters counters,
            Runnable afterPermitReleased, ScheduledExecutorService timeoutTimers) {
        this.target = target;
        this.permits = permits;
        this.clock = clock;
        this.counters = counters;
        this.operationTimeoutNanos = spec.operationTimeout().toNanos();
        this.afterPermitReleased = afterPermitReleased;
        this.timeoutTimers = timeoutTimers;
    }

    void send(Operation operation, long intendedNanos) {
        counters.outstanding.increment();
        long sendNanos = System.nanoTime();
        CompletableFuture<OpResult> future;
        try {
            future = target.execute(operation);
        } catch (RuntimeException thrown) {
            future = CompletableFuture.completedFuture(OpResult.failed("execute_threw_" + thrown.getClass().getSimpleName()));
        } catch (Error fatal) {
            // Not a result: the pacer ends the run. This request was never sent, so it is neither awaited nor in flight.
            counters.outstanding.decrement();
            permits.release();
            throw fatal;
        }
        if (timeoutTimers == null || future.isDone()) {
            future.completeOnTimeout(OpResult.timeout(), operationTimeoutNanos, TimeUnit.NANOSECONDS)
                    .whenComplete((result, error) -> complete(result, error, intendedNanos, sendNanos));
            return;
        }
        CompletableFuture<OpResult> pending = future;
        ScheduledFuture<?> timeout;
        try {
            timeout = timeoutTimers.schedule(() -> pending.complete(OpResult.timeout()), operationTimeoutNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            pending.complete(OpResult.failed("pacing_loop_closed"));
            timeout = null;
        }
        ScheduledFuture<?> timer = timeout;
        pending.whenComplete((result, error) -> {
            if (timer != null) timer.cancel(false);
            complete(result, error, intendedNanos, sendNanos);
        });
    }

    /**
     * Requests {@code firstUnsent}, {@code firstUnsent + stride}, ... intended before the end and measured: the ones
     * a pacer gives up on when no permit came back in time. Each is a timeout.
     */
    long countMeasuredUnsent(long firstUnsent, int stride) {
        long unsent = 0;
        for (long request = firstUnsent; ; request += stride) {
            long intendedNanos = clock.intendedSendNanos(request);
            if (intendedNanos - clock.endNanos() >= 0) {
                return unsent;
            }
            if (clock.isMeasured(intendedNanos)) {
                unsent++;
            }
        }
    }

    private void complete(OpResult result, Throwable error, long intendedNanos, long sendNanos) {
        long completionNanos = System.nanoTime();
        OpResult outcome = error == null ? result : OpResult.failed("exception_" + rootCause(error).getClass().getSimpleName());
        boolean measured = clock.isMeasured(intendedNanos);
        // Timeouts are counted, not recorded: their "latency" is only the timeout we chose (wrk2 does the same).
        if (measured && outcome.outcome().answered()) {
            latencyMicros.recordValue(MicrosHistograms.clampedMicros(completionNanos - intendedNanos));
            serviceMicros.recordValue(MicrosHistograms.clampedMicros(completionNanos - sendNanos));
        }
        counters.countCompletion(outcome, measured, completionNanos);
        permits.release();
        counters.outstanding.decrement();
        afterPermitReleased.run();
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
