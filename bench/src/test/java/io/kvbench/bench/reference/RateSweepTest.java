package io.kvbench.bench.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.bench.target.StallingTarget;
import io.kvbench.bench.target.Target;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep against targets that answer after 2 ms: each target's peak measured in closed loop on its own cluster,
 * then open-loop steps at fractions of it, every step's files and one sweep.csv row per step.
 */
class RateSweepTest {
    private static final Duration SERVICE_TIME = Duration.ofMillis(2);

    @Test
    @Timeout(60)
    void measuresEachPeakThenStepsAtFractionsOfIt(@TempDir Path directory) throws Exception {
        List<String> started = new ArrayList<>();
        RateSweep.Clusters clusters = (target, clusterDirectory) -> {
            started.add(target + " in " + directory.relativize(clusterDirectory));
            return new RateSweep.Cluster() {
                @Override
                public Target target(int inFlight) {
                    return new StallingTarget(SERVICE_TIME, Duration.ofHours(1), Duration.ZERO);
                }

                @Override
                public Map<String, Object> describe() {
                    return Map.of("fake", target);
                }

                /** The second names a process (this JVM, as "node1"), so its runs measure it; the first names none. */
                @Override
                public Map<String, Long> pids() {
                    return target.equals("second") ? Map.of("node1", ProcessHandle.current().pid()) : Map.of();
                }

                @Override
                public void close() {
                    started.add(target + " closed");
                }
            };
        };
        RateSweep.Spec spec = new RateSweep.Spec(List.of("first", "second"), List.of(0.5, 0.25), Duration.ofSeconds(1),
                Duration.ZERO, 2, 0, "abc1234", directory);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        List<RateSweep.Step> steps = new RateSweep(spec, clusters, new PrintStream(log, true, StandardCharsets.UTF_8)).run();

        assertThat(started).containsExactly("first in first/cluster", "first closed", "second in second/cluster", "second closed");
        assertThat(steps).extracting(RateSweep.Step::target, RateSweep.Step::fraction)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("first", 0.25), org.assertj.core.groups.Tuple.tuple("first", 0.5),
                        org.assertj.core.groups.Tuple.tuple("second", 0.25), org.assertj.core.groups.Tuple.tuple("second", 0.5));
        // Two closed-loop clients and 2 ms per answer: at most 1,000/s, well above what a loaded machine's timer misses.
        double peak = steps.get(0).peakRate();
        assertThat(peak).isBetween(200.0, 1000.0);
        for (RateSweep.Step step : steps.subList(0, 2)) {
            assertThat(step.summary().targetRatePerSecond()).isEqualTo(Math.floor(peak * step.fraction()));
            assertThat(step.summary().achievedRatePerSecond()).isCloseTo(step.summary().targetRatePerSecond(),
                    within(0.1 * step.summary().targetRatePerSecond()));
        }
        for (String file : List.of("first/peak/summary.csv", "first/step-025/latency.hgrm", "first/step-050/summary.csv",
                "second/step-050/timeseries.csv")) {
            assertThat(directory.resolve(file)).isNotEmptyFile();
        }

        // A cluster's named processes are measured in its peak and every step, per run and per second.
        assertThat(Files.readString(directory.resolve("second/step-050/summary.csv"))).contains("cpu_us_per_write_node1");
        assertThat(directory.resolve("second/step-050/cpu.csv")).isNotEmptyFile();
        assertThat(directory.resolve("second/peak/cpu.csv")).isNotEmptyFile();
        assertThat(directory.resolve("first/step-050/cpu.csv")).doesNotExist();
        List<CSVRecord> seconds;
        try (Reader reader = Files.newBufferedReader(directory.resolve("second/step-050/timeseries.csv"))) {
            seconds = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
        assertThat(seconds).isNotEmpty().allSatisfy(second -> assertThat(second.get("cpu_ms")).isNotEmpty());

        List<CSVRecord> rows;
        try (Reader reader = Files.newBufferedReader(directory.resolve("sweep.csv"))) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
        assertThat(rows).hasSize(4);
        assertThat(rows.get(1).get("target")).isEqualTo("first");
        assertThat(rows.get(1).get("step")).isEqualTo("2");
        assertThat(rows.get(1).get("fraction_of_peak")).isEqualTo("0.500");
        assertThat(Double.parseDouble(rows.get(1).get("offered_rate"))).isEqualTo(Math.floor(peak * 0.5));
        assertThat(Long.parseLong(rows.get(1).get("p50_us"))).isBetween(2_000L, Long.parseLong(rows.get(1).get("p99_us")));
        assertThat(rows.get(1).get("saturated")).isEqualTo("false");

        JsonNode run = new ObjectMapper().readTree(directory.resolve("run.json").toFile());
        assertThat(run.path("gitSha").asText()).isEqualTo("abc1234");
        assertThat(run.path("sweep").path("targets").toString()).isEqualTo("[\"first\",\"second\"]");
        assertThat(run.path("peakRates").path("first").asDouble()).isEqualTo(peak);
        assertThat(run.path("clusters").path("second").path("fake").asText()).isEqualTo("second");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("sweep first: peak ", "sweep second: step 2/2, 50 % of the peak");
    }

    @Test
    void aPeakGivenByOptionIsUsedAsIsAndNoPeakRuns(@TempDir Path directory) throws Exception {
        RateSweep.Clusters clusters = (target, clusterDirectory) -> new RateSweep.Cluster() {
            @Override
            public Target target(int inFlight) {
                return new StallingTarget(SERVICE_TIME, Duration.ofHours(1), Duration.ZERO);
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of();
            }

            @Override
            public void close() {
            }
        };
        RateSweep.Spec spec = new RateSweep.Spec(List.of("only"), List.of(1.0), Duration.ofSeconds(1), Duration.ZERO, 1, 300,
                "abc1234", directory);

        List<RateSweep.Step> steps = new RateSweep(spec, clusters, new PrintStream(new ByteArrayOutputStream())).run();

        assertThat(steps).singleElement().satisfies(step -> {
            assertThat(step.peakRate()).isEqualTo(300);
            assertThat(step.summary().targetRatePerSecond()).isEqualTo(300);
        });
        assertThat(directory.resolve("only/peak")).doesNotExist();
        assertThat(directory.resolve("only/step-100/summary.csv")).isNotEmptyFile();
    }

    @Test
    void aClosedLocalClusterLeavesItsLogsAndNotItsStorage(@TempDir Path directory) throws Exception {
        Path node = Files.createDirectories(directory.resolve("node-1"));
        Files.writeString(node.resolve("wal-0000000000000001.log"), "wal");
        Files.writeString(node.resolve("hardstate"), "term");
        Files.writeString(node.resolve("events.jsonl"), "{}");
        Files.writeString(directory.resolve("node-1.log"), "ready");
        Path member = Files.createDirectories(directory.resolve("member0.etcd/member/wal"));
        Files.writeString(member.resolve("0000000000000000-0000000000000000.wal"), "wal");
        Files.writeString(directory.resolve("member0.log"), "ready");

        LocalSweepClusters.deleteStorage(directory);

        assertThat(node.resolve("wal-0000000000000001.log")).doesNotExist();
        assertThat(node.resolve("hardstate")).doesNotExist();
        assertThat(directory.resolve("member0.etcd")).doesNotExist();
        assertThat(node.resolve("events.jsonl")).exists();
        assertThat(directory.resolve("node-1.log")).exists();
        assertThat(directory.resolve("member0.log")).exists();
    }
}
