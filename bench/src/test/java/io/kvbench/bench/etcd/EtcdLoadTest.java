package io.kvbench.bench.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kvbench.bench.floor.Floor;
import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.load.LoadGenerator;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.load.OperationMix;
import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real 3-member etcd cluster, started and stopped by the test; skipped only where etcd is not installed. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdLoadTest {

    @TempDir
    static Path runDirectory;
    private static EtcdCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(Files.isExecutable(EtcdClusterSpec.DEBIAN_ETCD), "etcd is not installed (apt-get install -y etcd-server)");
        cluster = EtcdCluster.start(EtcdClusterSpec.threeMembers(), runDirectory.resolve("cluster"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void putGetAndCompareAndSetMeanWhatTheySay() throws Exception {
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);
        byte[] second = "second".getBytes(StandardCharsets.UTF_8);
        try (EtcdTarget target = new EtcdTarget(cluster.clientUrls(), 1, Duration.ofSeconds(5))) {
            target.open();
            assertThat(call(target, Operation.get("absent")).outcome()).isEqualTo(Outcome.NOT_FOUND);
            assertThat(call(target, Operation.compareAndSet("cas", null, first)).outcome()).isEqualTo(Outcome.OK);
            assertThat(call(target, Operation.compareAndSet("cas", second, second)).outcome())
                    .isEqualTo(Outcome.CAS_MISMATCH);
            assertThat(call(target, Operation.compareAndSet("cas", first, second)).outcome()).isEqualTo(Outcome.OK);
            assertThat(call(target, Operation.put("k", first)).outcome()).isEqualTo(Outcome.OK);
            OpResult read = call(target, Operation.get("k"));
            assertThat(read.outcome()).isEqualTo(Outcome.OK);
            assertThat(read.value()).isEqualTo(first);
        }
    }

    @Test
    void aShortOpenLoopRunSucceedsAndWritesItsFiles() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(200).warmup(Duration.ofMillis(500))
                .duration(Duration.ofMillis(1500)).connections(4).inFlightLimit(32)
                .mix(new OperationMix(30, 60, 10)).operationTimeout(Duration.ofSeconds(5)).build();
        Path output = runDirectory.resolve("load");
        FloorResult floor = Floor.measure(output, 100);
        LoadSummary summary;
        try (EtcdTarget target = new EtcdTarget(cluster.clientUrls(), spec.connections(), spec.operationTimeout())) {
            target.open();
            summary = LoadGenerator.run(spec, target, output, floor);
        }

        assertThat(summary.errorsByKind()).isEmpty();
        assertThat(summary.errors()).isZero();
        assertThat(summary.timeouts()).isZero();
        assertThat(summary.count()).isEqualTo(300);
        for (String file : new String[] {"latency.hlog", "timeseries.csv", "latency.hgrm", "service.hgrm",
                "summary.csv", "run.json"}) {
            assertThat(output.resolve(file)).isNotEmptyFile();
        }
        assertThat(Files.readString(output.resolve("summary.csv"))).contains("floor_fsync_p50_us", "p99_over_floor");
    }

    @Test
    void findsTheLeaderAndSurvivesAFollowerKilledPausedAndRestarted() throws Exception {
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        assertThat(leader).isBetween(0, cluster.memberCount() - 1);
        int follower = (leader + 1) % cluster.memberCount();
        long pidBefore = cluster.pid(follower);

        cluster.pause(follower);
        cluster.resume(follower);
        cluster.kill(follower);
        assertThat(cluster.isAlive(follower)).isFalse();
        cluster.restart(follower);
        cluster.awaitHealthy(Duration.ofSeconds(30));

        assertThat(cluster.pid(follower)).isNotEqualTo(pidBefore);
        assertThat(cluster.isAlive(follower)).isTrue();
    }

    private static OpResult call(EtcdTarget target, Operation operation) throws Exception {
        return target.execute(operation).get(10, TimeUnit.SECONDS);
    }
}
