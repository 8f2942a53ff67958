package io.kvbench.driver;

import io.kvbench.raft.Role;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DeadlineTicks#discount}: a follower whose event loop spent time in its own fsync ({@code --wal-commit
 * event-loop-when-idle}) leaves that time out of its election timer, so it stands for election later by exactly the
 * time discounted, never sooner, and counts the ticks after it as before. The clock is explicit nanos: nothing sleeps.
 * <p>
 * The driver is a follower that hears nothing (node 2 of {@link DriverCluster}, election timeout [10, 20) ticks): each
 * tick counted brings its election one tick closer, so {@link ReplicaDriver#ticksUntilNextAction} tells how many
 * ticks it was given.
 */
class DeadlineTicksTest {
    private static final long TICK_NANOS = 1_000_000;
    private static final long HALF_TICK_NANOS = TICK_NANOS / 2;
    /** Far from zero: the runtime's clock ({@code System.nanoTime}) has no particular origin. */
    private static final long START_NANOS = 7_000_000_000L;

    private final ReplicaDriver follower = new DriverCluster().driver(2);
    private final DeadlineTicks deadlineTicks = new DeadlineTicks(TICK_NANOS, START_NANOS);
    /** The follower's election timeout, drawn when it was made; the counts below stay short of it but in the last test. */
    private final int electionTimeoutTicks = follower.ticksUntilNextAction();

    /** Ticks the follower was given so far (before its election; it never hears a leader). */
    private int ticksCounted() {
        return electionTimeoutTicks - follower.ticksUntilNextAction();
    }

    private void countTicksDueAt(long nowNanos) {
        deadlineTicks.countTicksDue(follower, nowNanos);
    }

    /** When the follower stands for election if it never hears a leader, with {@code discountedNanos} left out. */
    private long electionNanos(long discountedNanos) {
        return START_NANOS + discountedNanos + electionTimeoutTicks * TICK_NANOS;
    }

    @Test
    void theTicksOwedAfterADiscountLeaveOutTheDiscountedTime() {
        assertThat(electionTimeoutTicks).as("the fixture's timeout, beyond every count below").isBetween(10, 19);
        countTicksDueAt(START_NANOS + 3 * TICK_NANOS + HALF_TICK_NANOS);
        assertThat(ticksCounted()).isEqualTo(3);

        // The loop committed its own fsync from 3.5 to 5.5 ticks: deaf to its peers meanwhile.
        long commitNanos = 2 * TICK_NANOS;
        deadlineTicks.discount(commitNanos);
        countTicksDueAt(START_NANOS + 5 * TICK_NANOS + HALF_TICK_NANOS);
        assertThat(ticksCounted()).as("nothing owed for the time spent in the fsync").isEqualTo(3);
        // 6.5 ticks since the start, 4.5 of them listening: a fourth tick, and no more.
        countTicksDueAt(START_NANOS + 6 * TICK_NANOS + HALF_TICK_NANOS);
        assertThat(ticksCounted()).isEqualTo(4);
        assertThat(deadlineTicks.nextActionNanos(follower)).isEqualTo(electionNanos(commitNanos));
    }

    @Test
    void discountsShorterThanATickAddUpToTheirNanos() {
        // Four commits of 0.3 ticks each, each ending between two ticks: 1.2 ticks left out in all, none rounded away.
        long commitNanos = 3 * TICK_NANOS / 10;
        deadlineTicks.discount(commitNanos);
        countTicksDueAt(START_NANOS + TICK_NANOS + commitNanos - 1);
        assertThat(ticksCounted()).as("the first tick is due 0.3 ticks late").isZero();
        countTicksDueAt(START_NANOS + TICK_NANOS + commitNanos);
        assertThat(ticksCounted()).isEqualTo(1);
        for (int commit = 2; commit <= 4; commit++) deadlineTicks.discount(commitNanos);

        long discountedNanos = 4 * commitNanos;
        countTicksDueAt(START_NANOS + 8 * TICK_NANOS + discountedNanos - 1);
        assertThat(ticksCounted()).isEqualTo(7);
        countTicksDueAt(START_NANOS + 8 * TICK_NANOS + discountedNanos);
        assertThat(ticksCounted()).isEqualTo(8);
        assertThat(deadlineTicks.nextActionNanos(follower)).isEqualTo(electionNanos(discountedNanos));
    }

    @Test
    void aDiscountBeyondTheTimeSinceTheLastTickOwesNoTicksAndLosesNoneAfterIt() {
        countTicksDueAt(START_NANOS + TICK_NANOS + HALF_TICK_NANOS);
        assertThat(ticksCounted()).isEqualTo(1);

        // Five ticks left out, half a tick after the last one counted: the next tick is now due at 7 ticks. (The node's
        // discounts never reach back past the last tick counted, its commit task runs after the turn that counted; the
        // class does not rely on it.)
        long discountedNanos = 5 * TICK_NANOS;
        deadlineTicks.discount(discountedNanos);
        countTicksDueAt(START_NANOS + 2 * TICK_NANOS + HALF_TICK_NANOS);
        countTicksDueAt(START_NANOS + 6 * TICK_NANOS + HALF_TICK_NANOS);
        countTicksDueAt(START_NANOS + 7 * TICK_NANOS - 1);
        assertThat(ticksCounted()).as("no tick while the discount is outstanding, none taken back").isEqualTo(1);
        assertThat(deadlineTicks.nextActionNanos(follower)).isEqualTo(electionNanos(discountedNanos));

        // Counted again from there, every one: those due 7 and 8 ticks after the start.
        countTicksDueAt(START_NANOS + 8 * TICK_NANOS + HALF_TICK_NANOS);
        assertThat(ticksCounted()).isEqualTo(3);
        assertThat(deadlineTicks.nextActionNanos(follower)).isEqualTo(electionNanos(discountedNanos));
    }

    @Test
    void theFollowerStandsForElectionLaterByExactlyTheDiscount() {
        // A commit from 2 ticks to 6 ticks and 123 ns.
        long commitNanos = 4 * TICK_NANOS + 123;
        countTicksDueAt(START_NANOS + 2 * TICK_NANOS);
        deadlineTicks.discount(commitNanos);

        countTicksDueAt(electionNanos(commitNanos) - 1);
        assertThat(follower.core().role()).as("one nanosecond before the discounted timeout").isEqualTo(Role.FOLLOWER);
        countTicksDueAt(electionNanos(commitNanos));
        assertThat(follower.core().role()).isEqualTo(Role.PRE_CANDIDATE);
    }

    @Test
    void aDiscountOfNoTimeOrLessChangesNothing() {
        // A clock read out of order must never bring an election sooner (only liveness rests on the discount).
        long before = deadlineTicks.nextActionNanos(follower);
        deadlineTicks.discount(0);
        deadlineTicks.discount(-3 * TICK_NANOS);
        assertThat(deadlineTicks.nextActionNanos(follower)).isEqualTo(before).isEqualTo(electionNanos(0));
    }
}
