package io.kvbench.bench.load;

import java.util.SplittableRandom;

/** Draws key indexes in {@code [0, keyCount)}. Not thread-safe: each sender thread has its own. */
public interface KeyChooser {

    long nextKeyIndex();

    /** A chooser for the spec's distribution, seeded so the same seed gives the same key sequence. */
    static KeyChooser forSpec(KeyDistribution distribution, int keyCount, double zipfianTheta, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return switch (distribution) {
            case UNIFORM -> new UniformKeyChooser(keyCount, random);
            case ZIPFIAN -> new ZipfianKeyChooser(keyCount, zipfianTheta, random);
        };
    }
}
