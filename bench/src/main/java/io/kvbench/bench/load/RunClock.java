package io.kvbench.bench.load;

/**
 * The run's schedule in {@link System#nanoTime} terms: when sending starts, when measurement starts (after
 * warm-up) and when the last request is intended. Request i is intended at start + i/rate (wrk2). The end may
 * be brought forward while the run goes ({@link #endNoLaterThan}), for a run that lasts until it is stopped.
 */
final class RunClock {

    final long startNanos;
    final long measureStartNanos;
    final long startWallMillis;
    private final double nanosPerRequest;
    private volatile long endNanos;
    private volatile boolean aborted;

    RunClock(LoadSpec spec, long startNanos, long startWallMillis) {
        this.startNanos = startNanos;
        this.startWallMillis = startWallMillis;
        this.measureStartNanos = startNanos + spec.warmup().toNanos();
        this.endNanos = measureStartNanos + spec.duration().toNanos();
        this.nanosPerRequest = spec.mode() == LoadMode.OPEN_LOOP ? 1e9 / spec.targetRatePerSecond() : 0;
    }

    /** No request is intended at or after this. */
    long endNanos() {
        return endNanos;
    }

    /**
     * Brings the end forward to {@code nanos}, never before the end of warm-up (so the measured time is never
     * negative) and never later than it was.
     */
    synchronized void endNoLaterThan(long nanos) {
        long end = nanos - measureStartNanos < 0 ? measureStartNanos : nanos;
        if (end - endNanos < 0) {
            endNanos = end;
        }
    }

    /** Computed from the index, not by adding intervals, so rounding never drifts the schedule. */
    long intendedSendNanos(long requestIndex) {
        return startNanos + Math.round(requestIndex * nanosPerRequest);
    }

    boolean isMeasured(long intendedNanos) {
        return intendedNanos - measureStartNanos >= 0;
    }

    long wallMillisAt(long nanos) {
        return startWallMillis + Math.round((nanos - startNanos) / 1e6);
    }

    void abort() {
        aborted = true;
    }

    boolean aborted() {
        return aborted;
    }
}
