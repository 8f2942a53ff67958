package io.kvbench.bench.load;

import java.util.SplittableRandom;

/**
 * Zipfian key popularity, key 0 the most popular. The algorithm is YCSB's {@code ZipfianGenerator}, from
 * Gray et al., "Quickly Generating Billion-Record Synthetic Databases" (SIGMOD 1994): zeta(n, theta) is
 * computed once (O(keyCount)), then each draw is O(1).
 */
public final class ZipfianKeyChooser implements KeyChooser {

    private final int keyCount;
    private final double theta;
    private final double alpha;
    private final double zetaN;
    private final double eta;
    private final SplittableRandom random;

    public ZipfianKeyChooser(int keyCount, double theta, SplittableRandom random) {
        if (theta <= 0 || theta >= 1) {
            throw new IllegalArgumentException("theta must be in (0, 1), got " + theta);
        }
        this.keyCount = keyCount;
        this.theta = theta;
        this.random = random;
        this.alpha = 1.0 / (1.0 - theta);
        this.zetaN = zeta(keyCount, theta);
        double zetaTwo = zeta(2, theta);
        this.eta = (1 - Math.pow(2.0 / keyCount, 1 - theta)) / (1 - zetaTwo / zetaN);
    }

    private static double zeta(long count, double theta) {
        double sum = 0;
        for (long i = 1; i <= count; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }

    @Override
    public long nextKeyIndex() {
        double u = random.nextDouble();
        double uz = u * zetaN;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < 1.0 + Math.pow(0.5, theta)) {
            return Math.min(1, keyCount - 1);
        }
        long index = (long) (keyCount * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(index, keyCount - 1);
    }
}
