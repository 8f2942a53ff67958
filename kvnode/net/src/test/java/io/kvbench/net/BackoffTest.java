package io.kvbench.net;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void delaysDoubleWithJitterUpToTheBoundAndRestartAfterReset() {
        Backoff backoff = new Backoff(100, 1_000, new Random(7));
        long[] ceilings = {100, 200, 400, 800, 1_000, 1_000};
        for (long ceiling : ceilings) {
            assertThat(backoff.nextDelayMillis()).isBetween(ceiling / 2, ceiling);
        }
        backoff.reset();
        assertThat(backoff.nextDelayMillis()).isBetween(50L, 100L);
    }
}
