package io.kvbench.bench.load;

import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.Target;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * One sending thread. Open loop: it owns requests index, index + senders, index + 2*senders, ... and sends
 * each at its intended time. Closed loop: it sends whenever one of its clients' permits is free.
 *
 * <p>The rule that makes the numbers honest (wrk2 README; Gil Tene, "How NOT to Measure Latency"): latency
 * runs from the intended send time. If the target is slow, or the in-flight limit is reached and this thread
 * must wait for a permit, the waiting is part of the latency of every request that should have gone out in
 * the meantime. Service time, from the actual send, is recorded beside it (YCSB's measurement.interval=both).
 */
final class Sender implements Runnable {

    /**
     * Closer than this to the intended time we spin instead of parking: parkNanos overshoots by ~50 µs.
     * {@code -Dkvbench.load.spinThresholdMicros=0} parks only: on a machine with as few cores as the target
     * needs, a spinning sender takes a core from the system under test. Latency is still measured from the
     * intended time, so a late send is counted against the target (conservative), never hidden.
     */
    static final String SPIN_THRESHOLD_PROPERTY = "kvbench.load.spinThresholdMicros";
    private static final long SPIN_THRESHOLD_NANOS = Long.getLong(SPIN_THRESHOLD_PROPERTY, 100) * 1_000;

    private final int index;
    private final LoadSpec spec;
    private final Target target;
    private final Semaphore permits;
    private final RunClock clock;
    private final RunCounters counters;
    private final OperationSource operations;
    private final long operationTimeoutNanos;
    /** Recorder is safe for many concurrent writers, so completion callbacks on any thread may record. */
    final Recorder latencyMicros = MicrosHistograms.newRecorder();
    final Recorder serviceMicros = MicrosHistograms.newRecorder();

    Sender(int index, LoadSpec spec, Target target, Semaphore permits, RunClock clock, RunCounters counters) {
        this.index = index;
        this.spec = spec;
        this.target = target;
        this.permits = permits;
        this.clock = clock;
        this.counters = counters;
        this.operations = new OperationSource(spec, spec.seed() + index);
        this.operationTimeoutNanos = spec.operationTimeout().toNanos();
    }

    @Override
    public void run() {
        if (spec.mode() == LoadMode.OPEN_LOOP) {
            runOpenLoop();
        } else {
            runClosedLoop();
        }
    }

    private void runOpenLoop() {
        for (long request = index; !clock.aborted(); request += spec.senderThreads()) {
            long intendedNanos = clock.intendedSendNanos(request);
            if (intendedNanos - clock.endNanos() >= 0) {
                return;
            }
            waitUntil(intendedNanos);
            if (intendedNanos - clock.endNanos() >= 0) {
                return; // the end was brought forward while this thread waited
            }
            // A request still unsent this long after the end has waited longer than the timeout: it is one.
            if (!acquirePermit(clock.endNanos() + operationTimeoutNanos)) {
                counters.countTimeouts(countMeasuredUnsent(request));
                return;
            }
            send(operations.next(), intendedNanos);
        }
    }

    private void runClosedLoop() {
        while (!clock.aborted()) {
            waitUntil(clock.startNanos);
            if (!acquirePermit(clock.endNanos()) || System.nanoTime() - clock.endNanos() >= 0) {
                return;
            }
            // A closed-loop client intends to send exactly when it gets to: latency equals service time.
            send(operations.next(), System.nanoTime());
        }
    }

    private static void waitUntil(long deadlineNanos) {
        for (long remaining = deadlineNanos - System.nanoTime(); remaining > 0;
                remaining = deadlineNanos - System.nanoTime()) {
            if (remaining > SPIN_THRESHOLD_NANOS) {
                LockSupport.parkNanos(remaining - SPIN_THRESHOLD_NANOS / 2);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private boolean acquirePermit(long giveUpNanos) {
        if (permits.tryAcquire()) {
            return true;
        }
        try {
            return permits.tryAcquire(Math.max(0, giveUpNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            clock.abort();
            return false;
        }
    }

    private long countMeasuredUnsent(long firstUnsentRequest) {
        long unsent = 0;
        for (long request = firstUnsentRequest; ; request += spec.senderThreads()) {
            long intendedNanos = clock.intendedSendNanos(request);
            if (intendedNanos - clock.endNanos() >= 0) {
                return unsent;
            }
            if (clock.isMeasured(intendedNanos)) {
                unsent++;
            }
        }
    }

    private void send(Operation operation, long intendedNanos) {
        counters.outstanding.increment();
        long sendNanos = System.nanoTime();
        CompletableFuture<OpResult> future;
        try {
            future = target.execute(operation);
        } catch (RuntimeException thrown) {
            future = CompletableFuture.completedFuture(OpResult.failed("execute_threw_" + thrown.getClass().getSimpleName()));
        }
        future.completeOnTimeout(OpResult.timeout(), operationTimeoutNanos, TimeUnit.NANOSECONDS)
                .whenComplete((result, error) -> complete(result, error, intendedNanos, sendNanos));
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
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
