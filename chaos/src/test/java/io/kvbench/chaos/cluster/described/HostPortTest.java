package io.kvbench.chaos.cluster.described;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPortTest {
    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {"127.0.0.1:8001 127.0.0.1 8001", "db-1.lab:1 db-1.lab 1", "[::1]:65535 ::1 65535"})
    void parsesHostAndPort(String text, String host, int port) {
        HostPort parsed = HostPort.parse(text);
        assertThat(parsed).isEqualTo(new HostPort(host, port));
        assertThat(parsed.toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:", ":8001", "host:port", "host:0", "host:65536", "::1:8001", "a b:80", "host:-1"})
    void rejectsWhatIsNotHostColonPort(String text) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'").hasMessageNotContaining("\n");
    }
}
