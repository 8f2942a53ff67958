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
    void theUsageNamesEveryOption() {
        for (String option : new String[]{"--output", "--data-dir", "--seconds", "--warmup-seconds", "--peak-rounds",
                "--open-loop-peak", "--node-jvm-opts", "--in-process", "--skip-etcd", "--help"}) {
            assertThat(ReferenceRuns.USAGE).contains(option);
        }
    }
}
