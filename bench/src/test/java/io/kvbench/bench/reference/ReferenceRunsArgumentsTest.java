package io.kvbench.bench.reference;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceRunsArgumentsTest {
    @Test
    void readsValuesAndFlags() {
        Map<String, String> options = ReferenceRuns.parseArguments(
                new String[]{"--seconds", "10", "--skip-etcd", "--node-jvm-opts", "-Xmx1g -XX:+UseSerialGC"});
        assertThat(options).containsEntry("--seconds", "10").containsEntry("--skip-etcd", "")
                .containsEntry("--node-jvm-opts", "-Xmx1g -XX:+UseSerialGC");
    }

    @Test
    void anUnknownOptionOrAMissingValueIsNamed() {
        assertThatThrownBy(() -> ReferenceRuns.parseArguments(new String[]{"--secs", "10"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unknown option '--secs'");
        assertThatThrownBy(() -> ReferenceRuns.parseArguments(new String[]{"--skip-etcd", "--seconds"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--seconds needs a value");
    }

    @Test
    void numbersAreCheckedAndNamed() {
        assertThat(ReferenceRuns.intAtLeast(Map.of("--seconds", "10"), "--seconds", "20", 1)).isEqualTo(10);
        assertThat(ReferenceRuns.intAtLeast(Map.of(), "--seconds", "20", 1)).isEqualTo(20);
        assertThatThrownBy(() -> ReferenceRuns.intAtLeast(Map.of("--seconds", "0"), "--seconds", "20", 1))
                .hasMessage("--seconds must be at least 1, got 0");
        assertThatThrownBy(() -> ReferenceRuns.intAtLeast(Map.of("--peak-rounds", "9999999999"), "--peak-rounds", "0", 0))
                .hasMessage("--peak-rounds expects a number, got '9999999999'");
        assertThatThrownBy(() -> ReferenceRuns.nonNegativeNumber(Map.of("--open-loop-peak", "NaN"), "--open-loop-peak", "0"))
                .hasMessage("--open-loop-peak must be a finite number, at least 0, got NaN");
        assertThatThrownBy(() -> ReferenceRuns.nonNegativeNumber(Map.of("--open-loop-peak", "-5"), "--open-loop-peak", "0"))
                .hasMessage("--open-loop-peak must be a finite number, at least 0, got -5.0");
    }

    @Test
    void theUsageNamesEveryOption() {
        for (String option : new String[]{"--output", "--data-dir", "--seconds", "--warmup-seconds", "--peak-rounds",
                "--open-loop-peak", "--node-jvm-opts", "--in-process", "--skip-etcd", "--skip-etcd-check-perf", "--help"}) {
            assertThat(ReferenceRuns.USAGE).contains(option);
        }
    }
}
