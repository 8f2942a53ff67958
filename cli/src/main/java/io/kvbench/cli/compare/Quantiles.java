package io.kvbench.cli.compare;

import java.util.Arrays;

/** Medians and percentiles of small samples (the repeated runs of one side of a comparison). */
public final class Quantiles {

    private Quantiles() {
    }

    /** The median: the middle value, or the mean of the two middle values when the count is even. */
    public static double median(double[] values) {
        requireValues(values);
        double[] sorted = sorted(values);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    /**
     * The nearest-rank percentile (the smallest value with at least {@code percentile}% of the values at or
     * below it), the definition HdrHistogram's {@code getValueAtPercentile} uses, so a p99 computed here from
     * elections.csv matches one the chaos suite computes from its histogram.
     */
    public static double nearestRankPercentile(double[] values, double percentile) {
        requireValues(values);
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], not " + percentile);
        }
        double[] sorted = sorted(values);
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static void requireValues(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        for (double value : values) {
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException("NaN in sample");
            }
        }
    }
}
