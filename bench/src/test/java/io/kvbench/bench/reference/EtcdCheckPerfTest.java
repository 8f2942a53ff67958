package io.kvbench.bench.reference;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EtcdCheckPerfTest {
    @Test
    void aFailBelowTheRateLimitStillGivesTheThroughputItGot() {
        // etcdctl 3.4.23's own lines (its progress bar redraws with carriage returns)
        String output = "\r 59 / 60   98.33%\r 60 / 60  100.00% 1m0s\n"
                + "FAIL: Throughput too low: 3308 writes/s\n"
                + "Slowest request took too long: 0.516364s\n"
                + "Stddev too high: 0.104000s\n"
                + "FAIL\n";
        EtcdCheckPerf.Result result = EtcdCheckPerf.parse(output, 1);
        assertThat(result.writesPerSecond()).hasValue(3308);
        assertThat(result.slowestSeconds()).hasValue(0.516364);
        assertThat(result.stddevSeconds()).hasValue(0.104);
        assertThat(result.passed()).isFalse();
    }

    @Test
    void aPassReadsTheSameFigures() {
        String output = "PASS: Throughput is 7950 writes/s\nPASS: Slowest request took 0.087525s\nPASS: Stddev is 0.011019s\nPASS\n";
        EtcdCheckPerf.Result result = EtcdCheckPerf.parse(output, 0);
        assertThat(result.writesPerSecond()).hasValue(7950);
        assertThat(result.slowestSeconds()).hasValue(0.087525);
        assertThat(result.passed()).isTrue();
        assertThat(result.describe("etcdctl check perf").get("clients")).isEqualTo(500);
    }

    @Test
    void anEarlyErrorHasNoFigures() {
        EtcdCheckPerf.Result result = EtcdCheckPerf.parse("Error: context deadline exceeded\n", 1);
        assertThat(result.writesPerSecond()).isEmpty();
        assertThat(result.passed()).isFalse();
    }

    @Test
    void theCommandNamesEveryEndpointAndTheLoad() {
        assertThat(EtcdCheckPerf.command(Path.of("/usr/bin/etcdctl"),
                List.of(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.1:2381")), "/p/"))
                .containsExactly("/usr/bin/etcdctl", "--endpoints=http://127.0.0.1:2379,http://127.0.0.1:2381", "check", "perf",
                        "--load=l", "--prefix=/p/");
    }
}
