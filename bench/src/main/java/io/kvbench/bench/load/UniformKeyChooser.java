package io.kvbench.bench.load;

import java.util.SplittableRandom;

/** Every key equally likely. */
public final class UniformKeyChooser implements KeyChooser {

    private final int keyCount;
    private final SplittableRandom random;

    public UniformKeyChooser(int keyCount, SplittableRandom random) {
        this.keyCount = keyCount;
        this.random = random;
    }

    @Override
    public long nextKeyIndex() {
        return random.nextInt(keyCount);
    }
}
