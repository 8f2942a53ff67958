package io.kvbench.driver;

/**
 * A driver's ticks counted from a clock by a runtime that wakes at the driver's next action rather than every tick
 * (issue 19: {@code kvnode run --tick-timer next-deadline}; an idle node's 1,000 wake-ups a second were half its CPU).
 * The runtime calls {@link #countTicksDue} before each input and when its timer fires, and sets its timer for {@link
 * #nextActionNanos} after each; the core sees the same ticks as with a timer every tick, in bursts. The node and the
 * simulator both run this class, each with its own clock.
 */
public final class DeadlineTicks {
    private final long tickNanos;
    /** When the last tick counted was due. */
    private long lastTickNanos;

    /** @param startNanos now, on the runtime's clock: the first tick is due one tick length later */
    public DeadlineTicks(long tickNanos, long startNanos) {
        if (tickNanos <= 0) throw new IllegalArgumentException("tick length must be positive: " + tickNanos);
        this.tickNanos = tickNanos;
        this.lastTickNanos = startNanos;
    }

    /**
     * One {@link ReplicaDriver#tick()} per tick length passed since the last tick counted, up to the driver's next
     * action. Time beyond it (a stall: GC, SIGSTOP, a timer that fired late) is not counted: a resumed node reaches its
     * next action and goes on from there (a timer every tick counts one tick after a stall and drops the rest).
     */
    public void countTicksDue(ReplicaDriver driver, long nowNanos) {
        long elapsedTicks = (nowNanos - lastTickNanos) / tickNanos;
        if (elapsedTicks <= 0) return;
        int untilAction = driver.ticksUntilNextAction();
        for (long tick = Math.min(elapsedTicks, untilAction); tick > 0; tick--) driver.tick();
        lastTickNanos = elapsedTicks > untilAction ? nowNanos : lastTickNanos + elapsedTicks * tickNanos;
    }

    /**
     * Leaves out {@code nanos} just spent on the runtime's thread in something that kept it from hearing its peers (its
     * own fsync on that thread): a follower judges the leader's silence by time it was listening, so after a disk stall
     * it first reads the heartbeats that arrived meanwhile instead of standing for election at once. Only liveness
     * rests on it (an election comes later, never sooner); a leader's ticks must not be discounted (its lease).
     */
    public void discount(long nanos) {
        if (nanos > 0) lastTickNanos += nanos;
    }

    /** When the driver next acts, on the runtime's clock: when to wake it. Ask again after every input. */
    public long nextActionNanos(ReplicaDriver driver) {
        return lastTickNanos + driver.ticksUntilNextAction() * tickNanos;
    }
}
