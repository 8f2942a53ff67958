package io.kvbench.bench.load;

import io.kvbench.bench.target.Target;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Paces and sends on the target's own I/O thread ({@link LoadPacing#TARGET_EVENT_LOOP}), as wrk2 does on its event
 * loops: no thread of the generator's own, so no hand-off per request. Open loop: request i goes out when a timer
 * on the loop fires at its intended time (every request whose time has come is sent in that turn, up to
 * {@link #MAX_SENDS_PER_TURN} and the free permits). Closed loop: a completion gives its permit back and the loop
 * sends the next request in its next turn. Latency still runs from the intended time ({@link RequestDispatch}): a
 * timer that fires late, or a loop busy with replies, counts against the target, never hidden.
 *
 * <p>Everything but {@link #onPermitReleased} and {@link #wake} runs on the loop, so the pacer's timers and schedule
 * need no lock; completions may come on other threads (a timeout, a target that answers on the caller's thread) and
 * reach the loop as a task.
 */
final class LoopPacer implements Runnable {

    /**
     * Requests sent in one turn of the loop at most before it goes back to its sockets: a pacer far behind its
     * schedule (after a stall) would otherwise hold the replies back while it sends a thousand. The rest go in a
     * task scheduled for the next turn: a Netty loop runs every task queued during its task pass before it polls its
     * sockets again, but takes scheduled ones only at the start of a pass.
     */
    static final int MAX_SENDS_PER_TURN = 64;

    private final LoadSpec spec;
    private final ScheduledExecutorService loop;
    private final Semaphore permits;
    private final RunClock clock;
    private final RunCounters counters;
    private final OperationSource operations;
    private final long operationTimeoutNanos;
    private final CountDownLatch done;
    final RequestDispatch dispatch;

    /** The next request of the open-loop schedule. */
    private long nextRequest;
    /**
     * At most one timer for the next send and one for a deadline (the give-up time, or the closed loop's end) are
     * pending: a new one replaces a pending one only if it is earlier. Each fired timer runs {@link #pace()}, which
     * sets the next.
     */
    private final PacingTimer sendTimer = new PacingTimer();
    private final PacingTimer deadlineTimer = new PacingTimer();
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Set while the pacer waits for a permit: only then does a completion bring it back to the loop. */
    private volatile boolean waitingForPermit;
    /** A run of this pacer is queued on the loop already. */
    private final AtomicBoolean queued = new AtomicBoolean();

    LoopPacer(LoadSpec spec, Target target, ScheduledExecutorService loop, Semaphore permits, RunClock clock,
            RunCounters counters, CountDownLatch done) {
        this.spec = spec;
        this.loop = loop;
        this.permits = permits;
        this.clock = clock;
        this.counters = counters;
        this.operations = new OperationSource(spec, spec.seed());
        this.operationTimeoutNanos = spec.operationTimeout().toNanos();
        this.done = done;
        this.dispatch = new RequestDispatch(spec, target, permits, clock, counters, this::onPermitReleased, loop);
    }

    /** Sets the first timer: the schedule's start, and (closed loop) its end, in case nothing completes then. */
    void start() {
        try {
            loop.execute(() -> guarded(() -> {
                sendTimer.setNoLaterThan(clock.startNanos);
                if (spec.mode() == LoadMode.CLOSED_LOOP) deadlineTimer.setNoLaterThan(clock.endNanos());
            }));
        } catch (RejectedExecutionException closed) {
            finish();
        }
    }

    /** Brings the pacer to the loop now: the end was brought forward ({@link LoadGenerator#stop()}). Any thread. */
    void wake() {
        requeue();
    }

    /** A queued run ({@link #requeue}). */
    @Override
    public void run() {
        queued.set(false);
        guarded(this::pace);
    }

    /**
     * An exception escaping the pacer would end its sending silently (the loop logs it, or swallows it) and the run
     * would wait out its drain deadline; instead the run ends now, with what it has, and says why.
     */
    private void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            System.err.println("load: the pacer on " + Thread.currentThread().getName() + " failed, ending the run: " + e);
            clock.abort();
            finish();
        }
    }

    private void pace() {
        if (finished.get()) return;
        if (clock.aborted()) {
            finish();
            return;
        }
        if (spec.mode() == LoadMode.OPEN_LOOP) {
            paceOpenLoop();
        } else {
            paceClosedLoop();
        }
    }

    private void paceOpenLoop() {
        for (int sent = 0; ; sent++) {
            long intendedNanos = clock.intendedSendNanos(nextRequest);
            if (intendedNanos - clock.endNanos() >= 0) {
                finish();
                return;
            }
            long nowNanos = System.nanoTime();
            if (intendedNanos - nowNanos > 0) {
                sendTimer.setNoLaterThan(intendedNanos);
                return;
            }
            if (sent == MAX_SENDS_PER_TURN) {
                sendTimer.setNoLaterThan(nowNanos);
                return;
            }
            if (!permits.tryAcquire()) {
                // A request still unsent this long after the end has waited longer than the timeout: it is one.
                long giveUpNanos = clock.endNanos() + operationTimeoutNanos;
                if (nowNanos - giveUpNanos >= 0) {
                    counters.countTimeouts(dispatch.countMeasuredUnsent(nextRequest, 1));
                    finish();
                    return;
                }
                waitForPermit(giveUpNanos);
                return;
            }
            dispatch.send(operations.next(), intendedNanos);
            nextRequest++;
        }
    }

    private void paceClosedLoop() {
        long nowNanos = System.nanoTime();
        if (nowNanos - clock.startNanos < 0) {
            sendTimer.setNoLaterThan(clock.startNanos);
            return;
        }
        for (int sent = 0; ; sent++) {
            nowNanos = System.nanoTime();
            if (nowNanos - clock.endNanos() >= 0) {
                finish();
                return;
            }
            if (sent == MAX_SENDS_PER_TURN) {
                sendTimer.setNoLaterThan(nowNanos);
                return;
            }
            if (!permits.tryAcquire()) {
                waitForPermit(Long.MIN_VALUE);
                return;
            }
            // A closed-loop client intends to send exactly when it gets to: latency equals service time.
            dispatch.send(operations.next(), nowNanos);
        }
    }

    /**
     * Until a completion gives a permit back; {@code giveUpNanos} (unless Long.MIN_VALUE) also wakes the pacer then,
     * in case none does. The flag is set before the permit is tried again: a completion between the failed try and
     * the flag would otherwise find nobody waiting and the pacer would sleep with a permit free.
     */
    private void waitForPermit(long giveUpNanos) {
        waitingForPermit = true;
        if (permits.availablePermits() > 0) {
            waitingForPermit = false;
            requeue();
            return;
        }
        if (giveUpNanos != Long.MIN_VALUE) deadlineTimer.setNoLaterThan(giveUpNanos);
    }

    private void onPermitReleased() {
        if (!waitingForPermit) return;
        waitingForPermit = false;
        requeue();
    }

    /** Runs the pacer in a later turn of the loop (never inline: a target that answers at once would recurse). */
    private void requeue() {
        if (!queued.compareAndSet(false, true)) return;
        try {
            loop.execute(this);
        } catch (RejectedExecutionException closed) {
            queued.set(false);
            clock.abort();
            finish();
        }
    }

    /**
     * One pending timer at most, on the loop, that runs {@link #pace()} when it fires. Its fields are the loop's;
     * {@link #finish} may run elsewhere, so it cancels what it last saw.
     */
    private final class PacingTimer {
        private ScheduledFuture<?> pending;
        private long atNanos;

        /** Fires at {@code nanos}, unless it is pending already for no later than that. */
        void setNoLaterThan(long nanos) {
            if (pending != null && atNanos - nanos <= 0) return;
            if (pending != null) pending.cancel(false);
            atNanos = nanos;
            pending = schedule(nanos, () -> {
                // Fired: no longer pending, so the pace below may set the next one.
                if (atNanos == nanos) pending = null;
                pace();
            });
        }

        void cancel() {
            ScheduledFuture<?> last = pending;
            if (last != null) last.cancel(false);
        }
    }

    private ScheduledFuture<?> schedule(long atNanos, Runnable onLoop) {
        try {
            return loop.schedule(() -> guarded(onLoop), Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            clock.abort();
            finish();
            return null;
        }
    }

    /** No more sends from this pacer; what was sent is still awaited by the generator. Once. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) return;
        // Pending timers would only find the pacer finished; cancelled, they do not hold it until they are due.
        sendTimer.cancel();
        deadlineTimer.cancel();
        done.countDown();
    }
}
