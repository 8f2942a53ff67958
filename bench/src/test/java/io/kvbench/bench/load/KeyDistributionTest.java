package io.kvbench.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Key sequences are a function of the seed alone, so two runs with one seed load the same keys. */
class KeyDistributionTest {

    private static final int KEY_COUNT = 1000;
    private static final int DRAWS = 20_000;

    @Test
    void uniformIsSeededAndDeterministic() {
        assertThat(draw(KeyDistribution.UNIFORM, 42)).isEqualTo(draw(KeyDistribution.UNIFORM, 42))
                .isNotEqualTo(draw(KeyDistribution.UNIFORM, 43));
    }

    @Test
    void zipfianIsSeededAndDeterministic() {
        assertThat(draw(KeyDistribution.ZIPFIAN, 42)).isEqualTo(draw(KeyDistribution.ZIPFIAN, 42))
                .isNotEqualTo(draw(KeyDistribution.ZIPFIAN, 43));
    }

    @Test
    void everyDrawIsInRange() {
        for (KeyDistribution distribution : KeyDistribution.values()) {
            assertThat(Arrays.stream(draw(distribution, 5)).boxed()).allSatisfy(index -> assertThat(index).isBetween(0L, KEY_COUNT - 1L));
        }
    }

    @Test
    void zipfianMakesKeyZeroFarHotterThanUniformDoes() {
        long zipfianHits = Arrays.stream(draw(KeyDistribution.ZIPFIAN, 1)).filter(index -> index == 0).count();
        long uniformHits = Arrays.stream(draw(KeyDistribution.UNIFORM, 1)).filter(index -> index == 0).count();
        // With theta 0.99 over 1000 keys key 0 draws about 13%; uniform draws 0.1%.
        assertThat(zipfianHits).isGreaterThan(10 * Math.max(uniformHits, 1));
    }

    @Test
    void operationSourcesWithOneSeedMakeTheSameOperations() {
        LoadSpec spec = LoadSpec.builder().keyDistribution(KeyDistribution.ZIPFIAN)
                .mix(new OperationMix(50, 40, 10)).build();
        OperationSource first = new OperationSource(spec, 9);
        OperationSource second = new OperationSource(spec, 9);
        for (int i = 0; i < 1000; i++) {
            var a = first.next();
            var b = second.next();
            assertThat(a.kind()).isEqualTo(b.kind());
            assertThat(a.key()).isEqualTo(b.key());
        }
        assertThat(OperationSource.keyName(42)).isEqualTo("key-0000000042");
    }

    private static long[] draw(KeyDistribution distribution, long seed) {
        KeyChooser chooser = KeyChooser.forSpec(distribution, KEY_COUNT, 0.99, seed);
        long[] indexes = new long[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            indexes[i] = chooser.nextKeyIndex();
        }
        return indexes;
    }
}
