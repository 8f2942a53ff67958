package io.kvbench.node;

import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.net.ClientResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderPathWarmupTest {
    @TempDir
    Path directory;

    @Test
    void theScratchLeaderAnswersEveryRequestOfThePathWithAResult() {
        Map<Integer, InetSocketAddress> addresses = Map.of(1, new InetSocketAddress("127.0.0.1", 1),
                2, new InetSocketAddress("127.0.0.1", 2), 3, new InetSocketAddress("127.0.0.1", 3));
        NodeConfig config = NodeConfig.builder(2, addresses, addresses, directory.resolve("data")).clusterId("warmup-test")
                .eventLogFile(directory.resolve("events.jsonl")).heartbeatIntervalMillis(30).leaderLostTimeoutMaxMillis(10)
                .maxSessions(1000).build();

        List<ClientResponse> responses = LeaderPathWarmup.run(config);

        // Register, then put, cas, delete, get per round: each through propose, replication, commit, apply, encoder.
        assertThat(responses).hasSize(1 + 4 * LeaderPathWarmup.rounds()).allMatch(response -> response instanceof ClientResponse.Result);
        List<KvResult> results = responses.stream().map(r -> KvResultCodec.decode(((ClientResponse.Result) r).result())).toList();
        assertThat(results.get(0)).isInstanceOf(KvResult.SessionRegistered.class);
        assertThat(results.get(2)).isInstanceOfSatisfying(KvResult.CasResult.class, cas -> assertThat(cas.swapped()).isTrue());
        assertThat(results.get(4)).isInstanceOfSatisfying(KvResult.Value.class, value -> assertThat(value.value()).isNull());
        // Nothing of the real node was touched: no data directory, no event log.
        assertThat(directory.resolve("data")).doesNotExist();
        assertThat(directory.resolve("events.jsonl")).doesNotExist();
    }

    @Test
    void c1AloneIsReadFromTheJvmsOptions() {
        assertThat(LeaderPathWarmup.c1Only("1", "true", "default")).as("-XX:TieredStopAtLevel=1").isTrue();
        assertThat(LeaderPathWarmup.c1Only("3", "true", "default")).isTrue();
        assertThat(LeaderPathWarmup.c1Only("4", "true", "default")).as("the default, C1 then C2").isFalse();
        assertThat(LeaderPathWarmup.c1Only("0", "true", "default")).as("interpreter only").isFalse();
        assertThat(LeaderPathWarmup.c1Only("1", "false", "default")).as("-XX:-TieredCompilation: C2 alone").isFalse();
        assertThat(LeaderPathWarmup.c1Only("4", "true", "quick-only")).as("-XX:CompilationMode=quick-only").isTrue();
        assertThat(LeaderPathWarmup.c1Only("x", "true", "default")).isFalse();
    }

    @Test
    void thisJvmGetsTheRoundsOfItsJit() {
        // Surefire's JVM runs with the default tiered compilation (C1 then C2): the short warm-up.
        assertThat(LeaderPathWarmup.compilesWithC1Only()).isFalse();
        assertThat(LeaderPathWarmup.rounds()).isEqualTo(LeaderPathWarmup.ROUNDS_WITH_C2);
    }
}
