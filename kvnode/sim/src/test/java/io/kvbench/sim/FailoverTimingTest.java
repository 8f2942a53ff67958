package io.kvbench.sim;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liveness after a leader crash, in virtual ticks (deterministic, so this is a property, not a timing test):
 * a new leader is always elected within a bound, and the connection-closed hint shortens the wait.
 * Election timeout [10, 20) ticks, heartbeat 3, hint spread [1, 3].
 */
class FailoverTimingTest {
    private static final int TRIALS = 300;

    @Test
    void aNewLeaderIsElectedAfterALeaderCrashAndTheHintMakesItFaster() {
        double[] withoutHint = trials(false);
        double[] withHint = trials(true);
        System.out.println("ticks to new leader without hint: " + describe(withoutHint));
        System.out.println("ticks to new leader with hint:    " + describe(withHint));
        assertThat(withoutHint[withoutHint.length - 1]).isLessThan(10.0 * Simulation.ELECTION_MAX_TICKS);
        assertThat(withHint[withHint.length - 1]).isLessThan(10.0 * Simulation.ELECTION_MAX_TICKS);
        // Without the hint a follower waits out at least the minimum election timeout after its last heartbeat.
        assertThat(percentile(withoutHint, 0.5)).isGreaterThan(Simulation.ELECTION_MIN_TICKS - Simulation.HEARTBEAT_TICKS);
        assertThat(percentile(withHint, 0.5)).isLessThan(percentile(withoutHint, 0.5) / 2);
    }

    /**
     * The timer at the next deadline ({@code kvnode run --tick-timer next-deadline}, issue 19) counts the same ticks in
     * bursts: the same bounds hold, and failover takes no more than a tick longer at the median than with a tick event
     * every tick.
     */
    @Test
    void theTimerAtTheNextDeadlineElectsAsFast() {
        double[] everyTick = trials(true, false);
        double[] atDeadline = trials(true, true);
        double[] atDeadlineWithoutHint = trials(false, true);
        System.out.println("ticks to new leader with hint, timer every tick:      " + describe(everyTick));
        System.out.println("ticks to new leader with hint, timer at next deadline: " + describe(atDeadline));
        System.out.println("ticks to new leader without hint, timer at next deadline: " + describe(atDeadlineWithoutHint));
        assertThat(atDeadline[atDeadline.length - 1]).isLessThan(10.0 * Simulation.ELECTION_MAX_TICKS);
        assertThat(atDeadlineWithoutHint[atDeadlineWithoutHint.length - 1]).isLessThan(10.0 * Simulation.ELECTION_MAX_TICKS);
        assertThat(percentile(atDeadline, 0.5)).isLessThanOrEqualTo(percentile(everyTick, 0.5) + 1);
        assertThat(percentile(atDeadline, 0.5)).isLessThan(percentile(atDeadlineWithoutHint, 0.5) / 2);
    }

    private static double[] trials(boolean hint) {
        return trials(hint, false);
    }

    private static double[] trials(boolean hint, boolean timerAtNextDeadline) {
        double[] ticks = new double[TRIALS];
        for (int i = 0; i < TRIALS; i++) {
            SimOptions options = SimOptions.forSeed(10_000 + i).withFaults(FaultMix.CALM, 3).withHint(hint)
                    .withTickAtNextDeadline(timerAtNextDeadline);
            ticks[i] = new Simulation(options).measureFailoverTicks();
        }
        Arrays.sort(ticks);
        return ticks;
    }

    static double percentile(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    private static String describe(double[] sorted) {
        return String.format("n=%d min=%.1f p50=%.1f p90=%.1f p99=%.1f max=%.1f", sorted.length, sorted[0],
                percentile(sorted, 0.5), percentile(sorted, 0.9), percentile(sorted, 0.99), sorted[sorted.length - 1]);
    }
}
