package io.kvbench.cli.compare;

/**
 * One side of a comparison for one metric: the median of its runs and the 95% confidence interval of that
 * median (benchstat's center and interval).
 */
public record SampleSummary(double median, MedianConfidenceInterval interval, int count) {

    public static SampleSummary of(double[] values) {
        return new SampleSummary(Quantiles.median(values), MedianConfidenceInterval.of(values), values.length);
    }
}
