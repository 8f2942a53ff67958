package io.kvbench.bench.load;

import io.kvbench.bench.target.Target;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One sending thread ({@link LoadPacing#SENDER_THREADS}). Open loop: it owns requests index, index + senders,
 * index + 2*senders, ... and sends each at its intended time. Closed loop: it sends whenever one of its clients'
 * permits is free. Latency runs from the intended time ({@link RequestDispatch}).
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
    private final Semaphore permits;
    private final RunClock clock;
    private final RunCounters counters;
    private final OperationSource operations;
    private final long operationTimeoutNanos;
    final RequestDispatch dispatch;

    Sender(int index, LoadSpec spec, Target target, Semaphore permits, RunClock clock, RunCounters counters) {
        this.index = index;
        this.spec = spec;
        this.permits = permits;
        this.clock = clock;
        this.counters = counters;
        this.operations = new OperationSource(spec, spec.seed() + index);
        this.operationTimeoutNanos = spec.operationTimeout().toNanos();
        // The thread waiting for a permit is woken by the semaphore itself.
        this.dispatch = new RequestDispatch(spec, target, permits, clock, counters, () -> { }, null);
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
                counters.countTimeouts(dispatch.countMeasuredUnsent(request, spec.senderThreads()));
                return;
            }
            dispatch.send(operations.next(), intendedNanos);
        }
    }

    private void runClosedLoop() {
        while (!clock.aborted()) {
            waitUntil(clock.startNanos);
            if (!acquirePermit(clock.endNanos()) || System.nanoTime() - clock.endNanos() >= 0) {
                return;
            }
            // A closed-loop client intends to send exactly when it gets to: latency equals service time.
            dispatch.send(operations.next(), System.nanoTime());
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
}
