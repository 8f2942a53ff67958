package io.kvbench.cli.compare;

/**
 * A distribution-free confidence interval of the median from order statistics, the method benchstat uses
 * (golang.org/x/perf/benchmath, "AssumeNothing"): with the sample sorted, the interval
 * [x(k), x(n-k+1)] covers the true median with probability 1 - 2 P(Binomial(n, 1/2) &lt;= k-1), whatever the
 * distribution. We take the narrowest such interval whose coverage is still at least the asked level
 * (no interpolation between order statistics, so the stated level is a lower bound).
 *
 * <p>Why not a bootstrap: with the usual 10 runs a bootstrap of the median can only return sample values
 * anyway, undercovers at small n, and needs a seed; the order-statistic interval is exact, deterministic and
 * is what readers of benchstat output expect. Below 6 values no pair of order statistics reaches 95% coverage
 * (the full range covers 1 - 2/2^n = 93.75% at n = 5); then the interval is {@link #available() unavailable},
 * printed "± ∞" as benchstat does.
 *
 * @param low lower bound, or negative infinity when unavailable
 * @param high upper bound, or positive infinity when unavailable
 * @param coverage the interval's actual coverage probability (at least the asked level), or NaN when unavailable
 */
public record MedianConfidenceInterval(double low, double high, double coverage) {

    public static final double DEFAULT_LEVEL = 0.95;

    public static MedianConfidenceInterval of(double[] values) {
        return of(values, DEFAULT_LEVEL);
    }

    public static MedianConfidenceInterval of(double[] values, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1), not " + level);
        }
        double[] sorted = Quantiles.sorted(values);
        int count = sorted.length;
        // k is 1-based; the interval [x(k), x(n-k+1)] needs k <= n-k+1.
        int best = 0;
        double bestCoverage = Double.NaN;
        for (int k = 1; 2 * k <= count + 1; k++) {
            double coverage = 1.0 - 2.0 * binomialHalfCdf(count, k - 1);
            if (coverage < level) {
                break;
            }
            best = k;
            bestCoverage = coverage;
        }
        if (best == 0) {
            return new MedianConfidenceInterval(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN);
        }
        return new MedianConfidenceInterval(sorted[best - 1], sorted[count - best], bestCoverage);
    }

    public boolean available() {
        return Double.isFinite(low) && Double.isFinite(high);
    }

    /** The smallest sample size whose full range reaches the level: 6 for 95%. */
    public static int minimumCount(double level) {
        int count = 1;
        while (1.0 - 2.0 * Math.pow(0.5, count) < level) {
            count++;
        }
        return count;
    }

    /** P(Binomial(trials, 1/2) &lt;= successes), summed in log space so large trial counts do not underflow. */
    static double binomialHalfCdf(int trials, int successes) {
        if (successes < 0) {
            return 0.0;
        }
        if (successes >= trials) {
            return 1.0;
        }
        double logProbability = -trials * Math.log(2.0);
        double sum = Math.exp(logProbability);
        for (int i = 1; i <= successes; i++) {
            logProbability += Math.log((double) (trials - i + 1) / i);
            sum += Math.exp(logProbability);
        }
        return Math.min(sum, 1.0);
    }
}
