package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Expected p-values are scipy.stats.mannwhitneyu(a, b, alternative='two-sided') (scipy 1.17.1) with
 * method='exact' for the cases without ties and method='asymptotic' (tie and continuity corrected) otherwise;
 * the simplest ones are also worked by hand in the comments.
 */
class MannWhitneyUTest {

    @Test
    void separatedSamplesOfThreeGiveTheSmallestExactPValue() {
        // U = 0; of the C(6,3) = 20 equally likely orderings only one gives U <= 0: p = 2 * 1/20.
        MannWhitneyU.Result result = MannWhitneyU.test(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        assertThat(result.u()).isEqualTo(0.0);
        assertThat(result.exact()).isTrue();
        assertThat(result.pValue()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void interleavedSamplesAreNotSignificant() {
        // U(A) = 3 (3 > 2, 5 > 2, 5 > 4); counts of U = 0..9 for sizes 3 and 3: 1,1,2,3,3,3,3,2,1,1;
        // P(U <= 3) = 7/20, p = 0.7.
        MannWhitneyU.Result result = MannWhitneyU.test(new double[] {1, 3, 5}, new double[] {2, 4, 6});
        assertThat(result.u()).isEqualTo(3.0);
        assertThat(result.pValue()).isCloseTo(0.7, within(1e-12));
    }

    @Test
    void separatedSamplesOfFiveAndTenMatchScipyExact() {
        assertThat(MannWhitneyU.test(range(1, 5), range(6, 10)).pValue())
                .isCloseTo(0.007936507936507936, within(1e-12));
        // 2 / C(20, 10) = 2 / 184756
        MannWhitneyU.Result ten = MannWhitneyU.test(range(1, 10), range(11, 20));
        assertThat(ten.exact()).isTrue();
        assertThat(ten.pValue()).isCloseTo(1.082508822446903e-05, within(1e-15));
    }

    @Test
    void directionDoesNotChangeTheTwoSidedPValue() {
        assertThat(MannWhitneyU.test(range(11, 20), range(1, 10)).pValue())
                .isCloseTo(MannWhitneyU.test(range(1, 10), range(11, 20)).pValue(), within(1e-15));
        assertThat(MannWhitneyU.test(range(11, 20), range(1, 10)).u()).isEqualTo(100.0);
    }

    @Test
    void noTiesOfEightMatchScipyExact() {
        double[] a = {10.1, 10.4, 9.8, 10.0, 10.2, 9.9, 10.3, 10.05};
        double[] b = {10.5, 10.9, 10.6, 10.25, 10.8, 11.0, 10.7, 10.45};
        MannWhitneyU.Result result = MannWhitneyU.test(a, b);
        assertThat(result.u()).isEqualTo(2.0);
        assertThat(result.pValue()).isCloseTo(0.0006216006216006216, within(1e-12));
    }

    @Test
    void tiesUseTheNormalApproximationWithTieCorrection() {
        MannWhitneyU.Result result = MannWhitneyU.test(new double[] {1, 2, 2, 3, 4}, new double[] {2, 3, 4, 4, 5, 6});
        assertThat(result.exact()).isFalse();
        assertThat(result.u()).isEqualTo(5.5);
        assertThat(result.pValue()).isCloseTo(0.09337724360511554, within(1e-6));

        double[] a = {10.1, 10.4, 9.8, 10.0, 10.2, 9.9, 10.3, 10.0};
        double[] b = {10.5, 10.9, 10.6, 10.2, 10.8, 11.0, 10.7, 10.4};
        assertThat(MannWhitneyU.test(a, b).pValue()).isCloseTo(0.002702252061104255, within(1e-6));
    }

    @Test
    void samplesLargerThanTheExactLimitUseTheNormalApproximation() {
        double[] a = IntStream.rangeClosed(1, 60).asDoubleStream().toArray();
        double[] b = IntStream.rangeClosed(1, 60).mapToDouble(value -> value + 5.5).toArray();
        MannWhitneyU.Result result = MannWhitneyU.test(a, b);
        assertThat(result.exact()).isFalse();
        assertThat(result.u()).isEqualTo(1485.0);
        assertThat(result.pValue()).isCloseTo(0.09880047992003485, within(1e-6));
    }

    @Test
    void identicalSamplesGivePOne() {
        assertThat(MannWhitneyU.test(new double[] {5, 5, 5, 5}, new double[] {5, 5, 5, 5}).pValue()).isEqualTo(1.0);
        assertThat(MannWhitneyU.test(range(1, 10), range(1, 10)).pValue()).isEqualTo(1.0);
    }

    @Test
    void exactDistributionSumsToOneAndIsSymmetric() {
        MannWhitneyExactDistribution distribution = MannWhitneyExactDistribution.of(7, 4);
        assertThat(distribution.cumulative(28)).isCloseTo(1.0, within(1e-12));
        for (int u = 0; u <= 28; u++) {
            assertThat(distribution.probability(u)).isCloseTo(distribution.probability(28 - u), within(1e-15));
        }
        // P(U = 0) = 1 / C(11, 4) = 1/330
        assertThat(distribution.probability(0)).isCloseTo(1.0 / 330, within(1e-15));
    }

    @Test
    void emptySampleIsRejected() {
        assertThatThrownBy(() -> MannWhitneyU.test(new double[0], new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void normalUpperTailMatchesKnownValues() {
        assertThat(StandardNormal.upperTail(0)).isCloseTo(0.5, within(1e-7));
        assertThat(StandardNormal.upperTail(1.959963984540054)).isCloseTo(0.025, within(1e-7));
        assertThat(StandardNormal.upperTail(-1.959963984540054)).isCloseTo(0.975, within(1e-7));
    }

    private static double[] range(int from, int to) {
        return IntStream.rangeClosed(from, to).asDoubleStream().toArray();
    }
}
