package io.kvbench.cli.compare;

import java.util.Arrays;

/**
 * The Mann-Whitney U test (Wilcoxon rank-sum), two-sided, the test benchstat uses to say whether two sets of
 * runs differ beyond noise. It assumes nothing about the distribution, only that runs are independent.
 *
 * <p>Rules, as in benchstat's {@code MannWhitneyUTest} (golang.org/x/perf) and scipy.stats.mannwhitneyu:
 * <ul>
 *   <li>U of sample A = the number of pairs (a, b) with a &gt; b, ties counting one half
 *       (= rank sum of A - nA (nA + 1) / 2, with tied values given their average rank).</li>
 *   <li>Without ties and with both samples of at most {@value #EXACT_LIMIT} values: the exact distribution of U
 *       under the null hypothesis ({@link MannWhitneyExactDistribution}); p = min(1, 2 min(P(U &lt;= u), P(U &gt;= u))).</li>
 *   <li>Otherwise the normal approximation with tie correction, sigma^2 = nA nB / 12 ((n + 1) - sum(t^3 - t) / (n (n - 1))),
 *       and continuity correction 1/2; p = 1 when sigma is 0 (all values equal).</li>
 * </ul>
 */
public final class MannWhitneyU {

    /** Largest sample size for the exact distribution (benchstat's MannWhitneyExactLimit). */
    public static final int EXACT_LIMIT = 50;

    /**
     * @param u U of sample A (pairs with a &gt; b, ties count 1/2)
     * @param pValue two-sided p-value
     * @param exact true when p comes from the exact distribution, false for the normal approximation
     */
    public record Result(double u, double pValue, boolean exact) {
    }

    private MannWhitneyU() {
    }

    public static Result test(double[] sampleA, double[] sampleB) {
        int countA = sampleA.length;
        int countB = sampleB.length;
        if (countA == 0 || countB == 0) {
            throw new IllegalArgumentException("both samples need at least one value (got " + countA + " and "
                    + countB + ")");
        }
        Ranks ranks = Ranks.of(sampleA, sampleB);
        double u = ranks.rankSumOfFirst() - countA * (countA + 1) / 2.0;
        if (!ranks.hasTies() && countA <= EXACT_LIMIT && countB <= EXACT_LIMIT) {
            MannWhitneyExactDistribution distribution = MannWhitneyExactDistribution.of(countA, countB);
            int observed = (int) Math.round(u);
            double lowerTail = distribution.cumulative(observed);
            double upperTail = 1.0 - distribution.cumulative(observed - 1);
            return new Result(u, Math.min(1.0, 2.0 * Math.min(lowerTail, upperTail)), true);
        }
        return new Result(u, normalApproximation(u, countA, countB, ranks.tieSum()), false);
    }

    private static double normalApproximation(double u, int countA, int countB, double tieSum) {
        double total = countA + countB;
        double mean = countA * (double) countB / 2.0;
        double variance = countA * (double) countB / 12.0 * ((total + 1) - tieSum / (total * (total - 1)));
        if (variance <= 0) {
            return 1.0;
        }
        double distance = Math.abs(u - mean) - 0.5;
        if (distance <= 0) {
            return 1.0;
        }
        return Math.min(1.0, 2.0 * StandardNormal.upperTail(distance / Math.sqrt(variance)));
    }

    /** Average ranks of the pooled samples (1-based) and the tie term sum(t^3 - t) over groups of equal values. */
    private record Ranks(double rankSumOfFirst, double tieSum) {

        static Ranks of(double[] first, double[] second) {
            int total = first.length + second.length;
            double[][] pooled = new double[total][];
            for (int i = 0; i < first.length; i++) {
                pooled[i] = new double[] {first[i], 0};
            }
            for (int i = 0; i < second.length; i++) {
                pooled[first.length + i] = new double[] {second[i], 1};
            }
            Arrays.sort(pooled, (left, right) -> Double.compare(left[0], right[0]));
            double rankSum = 0;
            double tieSum = 0;
            int start = 0;
            while (start < total) {
                int end = start;
                while (end + 1 < total && pooled[end + 1][0] == pooled[start][0]) {
                    end++;
                }
                double averageRank = (start + end) / 2.0 + 1.0;
                double groupSize = end - start + 1;
                tieSum += groupSize * groupSize * groupSize - groupSize;
                for (int i = start; i <= end; i++) {
                    if (pooled[i][1] == 0) {
                        rankSum += averageRank;
                    }
                }
                start = end + 1;
            }
            return new Ranks(rankSum, tieSum);
        }

        boolean hasTies() {
            return tieSum > 0;
        }
    }
}
