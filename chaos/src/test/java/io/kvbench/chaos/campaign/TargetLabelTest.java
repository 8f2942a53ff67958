package io.kvbench.chaos.campaign;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TargetLabelTest {
    @Test
    void probeIntervalsPrintWithoutTrailingZerosInAnyLocale() {
        assertThat(TargetLabel.millis(Duration.ofMillis(1))).isEqualTo("1");
        assertThat(TargetLabel.millis(Duration.ofMillis(2))).isEqualTo("2");
        assertThat(TargetLabel.millis(Duration.ofMillis(1).dividedBy(2))).isEqualTo("0.5");
        assertThat(TargetLabel.millis(Duration.ofNanos(1_250_000))).isEqualTo("1.25");
    }
}
