package io.kvbench.net;

import java.util.random.RandomGenerator;

/**
 * Bounded exponential backoff with jitter between reconnect attempts: the delay doubles from
 * {@code initialMillis} up to {@code maxMillis}, and each wait is drawn from its upper half so that nodes
 * restarted together do not all reconnect in the same instant. Not thread-safe.
 */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private long nextMillis;

    Backoff(long initialMillis, long maxMillis, RandomGenerator random) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("backoff bounds " + initialMillis + ".." + maxMillis + " ms");
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.random = random;
        this.nextMillis = initialMillis;
    }

    /** The wait before the next attempt; doubles the one after. */
    long nextDelayMillis() {
        long ceiling = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        long floor = Math.max(1, ceiling / 2);
        return floor + random.nextLong(ceiling - floor + 1);
    }

    /** After a connection succeeds, the next failure starts again from the initial delay. */
    void reset() {
        nextMillis = initialMillis;
    }
}
