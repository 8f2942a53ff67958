package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QuantilesAndIntervalTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Quantiles.median(new double[] {3, 1, 2})).isEqualTo(2.0);
        assertThat(Quantiles.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Quantiles.median(new double[] {7})).isEqualTo(7.0);
        assertThatThrownBy(() -> Quantiles.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nearestRankPercentiles() {
        double[] values = IntStream.rangeClosed(1, 10).asDoubleStream().toArray();
        assertThat(Quantiles.nearestRankPercentile(values, 50)).isEqualTo(5.0);
        assertThat(Quantiles.nearestRankPercentile(values, 99)).isEqualTo(10.0);
        assertThat(Quantiles.nearestRankPercentile(values, 90)).isEqualTo(9.0);
        assertThat(Quantiles.nearestRankPercentile(new double[] {42}, 99)).isEqualTo(42.0);
    }

    @Test
    void intervalOfTenRunsIsSecondToNinthValue() {
        // P(Bin(10, 1/2) <= 1) = 11/1024: [x(2), x(9)] covers 1 - 22/1024 = 97.85%; [x(3), x(8)] only 89.06%.
        MedianConfidenceInterval interval = MedianConfidenceInterval.of(new double[] {9, 1, 8, 2, 7, 3, 6, 4, 5, 10});
        assertThat(interval.low()).isEqualTo(2.0);
        assertThat(interval.high()).isEqualTo(9.0);
        assertThat(interval.coverage()).isCloseTo(1 - 22.0 / 1024, within(1e-12));
    }

    @Test
    void intervalOfTwentyRunsIsSixthToFifteenthValue() {
        // P(Bin(20, 1/2) <= 5) = 21700/1048576 = 0.0207: coverage 95.86%; k = 7 would give 88.47%.
        MedianConfidenceInterval interval = MedianConfidenceInterval.of(
                IntStream.rangeClosed(1, 20).asDoubleStream().toArray());
        assertThat(interval.low()).isEqualTo(6.0);
        assertThat(interval.high()).isEqualTo(15.0);
        assertThat(interval.coverage()).isCloseTo(1 - 2 * 21700.0 / 1048576, within(1e-12));
    }

    @Test
    void sixRunsGiveTheFullRangeAndFiveGiveNoInterval() {
        MedianConfidenceInterval six = MedianConfidenceInterval.of(new double[] {1, 2, 3, 4, 5, 6});
        assertThat(six.available()).isTrue();
        assertThat(six.low()).isEqualTo(1.0);
        assertThat(six.high()).isEqualTo(6.0);
        assertThat(six.coverage()).isCloseTo(1 - 2.0 / 64, within(1e-12));

        MedianConfidenceInterval five = MedianConfidenceInterval.of(new double[] {1, 2, 3, 4, 5});
        assertThat(five.available()).isFalse();
        assertThat(MedianConfidenceInterval.minimumCount(0.95)).isEqualTo(6);
    }

    @Test
    void binomialTailStaysAccurateForLargeCounts() {
        assertThat(MedianConfidenceInterval.binomialHalfCdf(10, 1)).isCloseTo(11.0 / 1024, within(1e-15));
        assertThat(MedianConfidenceInterval.binomialHalfCdf(2000, 1000)).isBetween(0.5, 0.51);
        MedianConfidenceInterval interval = MedianConfidenceInterval.of(
                IntStream.rangeClosed(1, 2000).asDoubleStream().toArray());
        assertThat(interval.coverage()).isBetween(0.95, 0.96);
        assertThat(interval.low()).isLessThan(1000.0);
        assertThat(interval.high()).isGreaterThan(1001.0);
    }

    @Test
    void comparisonOfClearlySeparatedRunsIsSignificant() {
        double[] a = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109};
        double[] b = {120, 121, 122, 123, 124, 125, 126, 127, 128, 129};
        MetricComparison comparison = MetricComparison.of(Metric.WRITE_P99_US, a, b);
        assertThat(comparison.a().median()).isEqualTo(104.5);
        assertThat(comparison.b().median()).isEqualTo(124.5);
        assertThat(comparison.deltaPercent()).isCloseTo(100.0 * (124.5 / 104.5 - 1), within(1e-12));
        assertThat(comparison.significant()).isTrue();
        assertThat(comparison.improvement()).isFalse();
        assertThat(MetricComparison.of(Metric.PEAK_THROUGHPUT_OPS_S, a, b).improvement()).isTrue();
    }

    @Test
    void comparisonOfIdenticalRunsIsNotSignificant() {
        double[] same = {5, 6, 7, 8, 9, 10};
        MetricComparison comparison = MetricComparison.of(Metric.WRITE_P50_US, same, same.clone());
        assertThat(comparison.pValue()).isEqualTo(1.0);
        assertThat(comparison.significant()).isFalse();
        assertThat(comparison.deltaPercent()).isEqualTo(0.0);
        assertThat(CompareTable.deltaText(comparison)).isEqualTo("~");
    }

    @Test
    void deltaFromZeroIsNotANumber() {
        MetricComparison comparison = MetricComparison.of(Metric.WRITE_P50_US, new double[] {0, 0, 0},
                new double[] {1, 1, 1});
        assertThat(comparison.deltaPercent()).isNaN();
    }
}
