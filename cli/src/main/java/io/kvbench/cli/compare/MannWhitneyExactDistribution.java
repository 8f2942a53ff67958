package io.kvbench.cli.compare;

/**
 * The exact null distribution of the Mann-Whitney U statistic for samples of sizes m and n without ties
 * (Mann and Whitney 1947): every ordering of the pooled values is equally likely, and looking at the largest
 * value gives the recurrence p(m, n, u) = m/(m+n) p(m-1, n, u-n) + n/(m+n) p(m, n-1, u)
 * (if it is from the first sample it beats all n values of the second). Computed in probabilities, which stay
 * in [0, 1], so sizes up to {@link MannWhitneyU#EXACT_LIMIT} need no big numbers.
 */
final class MannWhitneyExactDistribution {

    private final double[] probabilities;

    private MannWhitneyExactDistribution(double[] probabilities) {
        this.probabilities = probabilities;
    }

    static MannWhitneyExactDistribution of(int countFirst, int countSecond) {
        // previousRow[n] = distribution for (m - 1, n); currentRow[n] = for (m, n).
        double[][] previousRow = new double[countSecond + 1][];
        for (int n = 0; n <= countSecond; n++) {
            previousRow[n] = new double[] {1.0};
        }
        for (int m = 1; m <= countFirst; m++) {
            double[][] currentRow = new double[countSecond + 1][];
            currentRow[0] = new double[] {1.0};
            for (int n = 1; n <= countSecond; n++) {
                double[] distribution = new double[m * n + 1];
                double firstWeight = (double) m / (m + n);
                double secondWeight = (double) n / (m + n);
                double[] withoutFirst = previousRow[n];
                double[] withoutSecond = currentRow[n - 1];
                for (int u = 0; u < withoutFirst.length; u++) {
                    distribution[u + n] += firstWeight * withoutFirst[u];
                }
                for (int u = 0; u < withoutSecond.length; u++) {
                    distribution[u] += secondWeight * withoutSecond[u];
                }
                currentRow[n] = distribution;
            }
            previousRow = currentRow;
        }
        return new MannWhitneyExactDistribution(previousRow[countSecond]);
    }

    /** P(U = u). */
    double probability(int u) {
        return u < 0 || u >= probabilities.length ? 0.0 : probabilities[u];
    }

    /** P(U &lt;= u). */
    double cumulative(int u) {
        double sum = 0;
        for (int i = 0; i <= Math.min(u, probabilities.length - 1); i++) {
            sum += probabilities[i];
        }
        return Math.min(sum, 1.0);
    }
}
