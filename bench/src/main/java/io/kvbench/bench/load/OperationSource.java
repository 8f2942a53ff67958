package io.kvbench.bench.load;

import io.kvbench.bench.target.Operation;
import java.util.SplittableRandom;

/**
 * Makes the operations of one sender thread: kind from the mix, key from the distribution. Deterministic
 * for a given seed. All writes carry the same value bytes (random, seeded): generating fresh bytes per
 * operation would cost the sender time that belongs to pacing, and the stores measured here do not look
 * inside values. A CAS expects that same value, so it succeeds once the key has been written.
 */
public final class OperationSource {

    private final OperationMix mix;
    private final KeyChooser keys;
    private final SplittableRandom kinds;
    private final byte[] value;

    public OperationSource(LoadSpec spec, long seed) {
        this.mix = spec.mix();
        this.keys = KeyChooser.forSpec(spec.keyDistribution(), spec.keyCount(), spec.zipfianTheta(), seed);
        this.kinds = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        this.value = new byte[spec.valueSizeBytes()];
        new SplittableRandom(seed).nextBytes(value);
    }

    /** {@code key-} and the index zero-padded to ten digits, so keys sort in index order. */
    public static String keyName(long keyIndex) {
        String digits = Long.toString(keyIndex);
        StringBuilder name = new StringBuilder(14).append("key-");
        for (int pad = digits.length(); pad < 10; pad++) {
            name.append('0');
        }
        return name.append(digits).toString();
    }

    public Operation next() {
        String key = keyName(keys.nextKeyIndex());
        int draw = kinds.nextInt(100);
        if (draw < mix.readPercent()) {
            return Operation.get(key);
        }
        if (draw < mix.readPercent() + mix.writePercent()) {
            return Operation.put(key, value);
        }
        return Operation.compareAndSet(key, value, value);
    }
}
