package io.kvbench.bench.target;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kvbench.bench.floor.Floor;
import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.kvnode.NodeJit;
import io.kvbench.bench.kvnode.NodeLatencyReport;
import io.kvbench.bench.kvnode.NodeStatuses;
import io.kvbench.bench.load.LoadGenerator;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.load.OperationMix;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.node.local.LocalClusterSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A 3-node kvnode cluster of in-process NodeRuntimes with fsync ALWAYS, driven through {@link KvnodeTarget}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KvnodeTargetTest {

    @TempDir
    static Path runDirectory;
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(LocalClusterSpec.builder().fsync("always").leaderLostMaxMillis(10).auditWrites(false)
                .inProcess().build(), runDirectory.resolve("cluster"));
        cluster.awaitLeader(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    @Test
    void putGetAndCompareAndSetMeanWhatTheySay() throws Exception {
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);
        byte[] second = "second".getBytes(StandardCharsets.UTF_8);
        try (KvnodeTarget target = new KvnodeTarget(cluster.clientAddressList(), 1, 64, Duration.ofSeconds(5))) {
            target.open();
            assertThat(target.fsyncMode()).isEqualTo("always");
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
    void everyNodeReportsItsJvmsJitTotal() throws Exception {
        // In process, the three nodes are one JVM: each reports that JVM's total so far.
        long[] totals = NodeJit.compileMillis(cluster.clientAddressList());
        long jvmTotal = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        assertThat(totals).hasSize(3);
        for (long total : totals) assertThat(total).isPositive().isLessThanOrEqualTo(jvmTotal);
    }

    @Test
    void theNodesOwnHistogramsCoverTheMeasuredSpan() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(200).warmup(Duration.ofMillis(2000))
                .duration(Duration.ofMillis(1500)).connections(2).inFlightLimit(4)
                .mix(OperationMix.writesOnly()).operationTimeout(Duration.ofSeconds(5)).build();
        AtomicReference<ArrayNode> atMeasureStart = new AtomicReference<>();
        AtomicLong readingNanos = new AtomicLong();
        LoadSummary summary;
        try (KvnodeTarget target = new KvnodeTarget(cluster.clientAddressList(), spec.connections(), spec.inFlightLimit(), spec.operationTimeout())) {
            target.open();
            summary = LoadGenerator.run(spec, target, runDirectory.resolve("span"), null, () -> {
                long startNanos = System.nanoTime();
                try {
                    atMeasureStart.set(NodeStatuses.read(cluster.clientAddressList()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                readingNanos.set(System.nanoTime() - startNanos);
            });
        }
        NodeLatencyReport report = NodeLatencyReport.between(atMeasureStart.get(), NodeStatuses.read(cluster.clientAddressList()));

        assertThat(summary.errors() + summary.timeouts()).isZero();
        // The leader counts the writes it answered after its reading at the end of warm-up: the measured ones, less
        // those answered while the reading was under way (at most the rate times its duration) and what was in flight
        // at the end, plus warm-up writes still waiting to be sent when it ended (a backlog when the cluster was slow
        // to start: 45 in one CI run; allowed up to a quarter). A reading at the start of the run instead would have
        // counted the 400 warm-up writes too.
        assertThat(report.leaderWrites()).isPresent();
        long answeredDuringReading = (long) Math.ceil(200 * readingNanos.get() / 1e9);
        assertThat(report.leaderWrites().get().count())
                .isBetween(summary.count() - answeredDuringReading - 4, summary.count() * 5 / 4 + 4);
        assertThat(report.leaderWrites().get().p50Micros()).isLessThanOrEqualTo(report.leaderWrites().get().p99Micros());
        assertThat(report.walCommits()).hasSize(3).allSatisfy(commits -> assertThat(commits.count()).isPositive());
        // The leader timed its entries to the first follower's acknowledgement (several writes may share one
        // append, so there need not be one per write).
        assertThat(report.replication()).hasValueSatisfying(span -> {
            assertThat(span.count()).isPositive();
            assertThat(span.p50Micros()).isLessThanOrEqualTo(span.p99Micros());
        });
        assertThat(report.describe()).hasSize(5);
    }

    @Test
    void aShortOpenLoopRunHasNoErrorsAndWritesEveryFile() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(200).warmup(Duration.ofMillis(500))
                .duration(Duration.ofMillis(1500)).connections(4).inFlightLimit(32)
                .mix(new OperationMix(30, 60, 10)).operationTimeout(Duration.ofSeconds(5)).build();
        Path output = runDirectory.resolve("load");
        FloorResult floor = Floor.measure(cluster.directory(), 100);
        LoadSummary summary;
        try (KvnodeTarget target = new KvnodeTarget(cluster.clientAddressList(), spec.connections(), spec.inFlightLimit(), spec.operationTimeout())) {
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
        assertThat(Files.readString(output.resolve("run.json"))).contains("always");
        assertThat(Files.readString(output.resolve("summary.csv"))).contains("kvnode", "p99_over_floor");
    }

    private static OpResult call(KvnodeTarget target, Operation operation) throws Exception {
        return target.execute(operation).get(10, TimeUnit.SECONDS);
    }
}
