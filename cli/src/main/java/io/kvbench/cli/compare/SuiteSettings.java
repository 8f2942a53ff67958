package io.kvbench.cli.compare;

/**
 * How long each scenario of the default suite runs, and how many rounds: {@link #FULL} fits a comparison of two
 * refs, both builds included, in about 9 minutes on a 2-core machine, and {@link #QUICK} in under 5. Measured on
 * the 2-core machine this was built on, with other builds running (load average 4-5): a load run costs its warm-up
 * and measured seconds plus 3.9 s (JVMs, a 3-node cluster's start and stop, the floor), a campaign of 3 kills 1.2 s
 * apart 11.8 s, a build with tests skipped 13-15 s (26 s with test classes compiled). Under heavier load everything
 * took longer: a whole quick comparison 7.4 minutes at load average 8-17, 14.5 minutes at 15-20.
 *
 * <p>Six rounds are the fewest that give a 95 % interval of the median (benchstat's rule); four are the fewest
 * where a difference can be significant at all (with 4 and 4 runs the smallest two-sided Mann-Whitney p is 0.029,
 * with 3 and 3 it is 0.1).
 *
 * @param loadSeconds measured seconds of each load scenario
 * @param warmupSeconds seconds of load before measuring (left out of every figure)
 * @param fixedRatePerSecond the open-loop scenario's rate
 * @param killTrials leader kills in the campaign
 * @param killIntervalMillis time between kills
 * @param rounds default number of rounds (each runs every scenario on A, then on B)
 */
public record SuiteSettings(String name, int loadSeconds, int warmupSeconds, int fixedRatePerSecond, int killTrials,
        int killIntervalMillis, int rounds) {

    public static final SuiteSettings FULL = new SuiteSettings("full", 4, 2, 1000, 5, 1200, 6);
    public static final SuiteSettings QUICK = new SuiteSettings("quick", 2, 1, 1000, 3, 1000, 4);

    /** A load run's cost beyond its warm-up and measured seconds: JVMs, a 3-node cluster's start and stop. */
    static final double LOAD_OVERHEAD_SECONDS = 4;
    /** A campaign's cost beyond its kills: a C1-warmed cluster's start, the settle, the checkers, the stop. */
    static final double CAMPAIGN_OVERHEAD_SECONDS = 8;
    /** A build with tests skipped (the first one on a machine compiles more: the estimate errs long). */
    static final double BUILD_SECONDS = 20;

    SuiteSettings withRounds(int value) {
        return new SuiteSettings(name, loadSeconds, warmupSeconds, fixedRatePerSecond, killTrials, killIntervalMillis,
                value);
    }
}
