package io.kvbench.bench.load;

/** How keys are drawn from {@code [0, keyCount)}. */
public enum KeyDistribution {
    UNIFORM,
    /** Key 0 hottest; skew set by {@link LoadSpec#zipfianTheta()} (YCSB's default is 0.99). */
    ZIPFIAN
}
