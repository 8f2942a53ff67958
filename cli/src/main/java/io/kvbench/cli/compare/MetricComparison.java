package io.kvbench.cli.compare;

/**
 * One row of the comparison: both sides' summaries, the change of the median in percent, the Mann-Whitney U
 * p-value and whether the change is beyond noise. As in benchstat, a change is significant when p &lt; alpha
 * (0.05); otherwise the delta is printed as "~".
 *
 * @param deltaPercent 100 (B median / A median - 1); NaN when A's median is 0
 */
public record MetricComparison(Metric metric, SampleSummary a, SampleSummary b, double deltaPercent,
        MannWhitneyU.Result test, boolean significant) {

    public static final double ALPHA = 0.05;

    public static MetricComparison of(Metric metric, double[] sampleA, double[] sampleB) {
        SampleSummary a = SampleSummary.of(sampleA);
        SampleSummary b = SampleSummary.of(sampleB);
        double delta = a.median() == 0 ? Double.NaN : 100.0 * (b.median() / a.median() - 1.0);
        MannWhitneyU.Result test = MannWhitneyU.test(sampleA, sampleB);
        return new MetricComparison(metric, a, b, delta, test, test.pValue() < ALPHA);
    }

    public double pValue() {
        return test.pValue();
    }

    /** True when the change is significant and in the metric's good direction. */
    public boolean improvement() {
        if (!significant || a.median() == b.median()) {
            return false;
        }
        boolean lower = b.median() < a.median();
        return lower == (metric.better() == Metric.Better.LOWER);
    }
}
