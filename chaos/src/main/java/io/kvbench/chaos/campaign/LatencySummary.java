package io.kvbench.chaos.campaign;

import org.HdrHistogram.Histogram;

/** min, p50, p90, p99, max, mean of one campaign histogram (recorded in µs), in milliseconds. */
public record LatencySummary(String metric, long trials, double minMillis, double p50Millis, double p90Millis,
                             double p99Millis, double maxMillis, double meanMillis) {

    static LatencySummary of(String metric, Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(metric, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencySummary(metric, micros.getTotalCount(), micros.getMinValue() / 1000.0,
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(90) / 1000.0,
                micros.getValueAtPercentile(99) / 1000.0, micros.getMaxValue() / 1000.0, micros.getMean() / 1000.0);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms mean=%.1f ms",
                metric, trials, p50Millis, p90Millis, p99Millis, maxMillis, meanMillis);
    }
}
