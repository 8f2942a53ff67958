package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JMH JSON across versions: per benchmark and parameter set, one sample per fork, the right direction per mode. */
class JmhResultsReaderTest {

    @TempDir
    Path temporary;

    @Test
    void comparesEachBenchmarkAndParameterSetWithOneSamplePerFork() throws Exception {
        Path a = temporary.resolve("v1/jmh");
        Path b = temporary.resolve("v2/jmh");
        // B: the WAL append costs more (worse), the core step does more per second (better), the codec is the same.
        write(a.resolve("20261201-100000/jmh.json"), 300, 900_000, 230);
        write(a.resolve("20261201-110000/jmh.json"), 305, 905_000, 231);
        write(b.resolve("20261208-100000/jmh.json"), 400, 1_000_000, 230);
        write(b.resolve("20261208-110000/jmh.json"), 405, 1_005_000, 231);
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", out.toString(), "--no-plot");

        assertThat(run.exitCode()).as(run.errors()).isZero();
        String table = run.output();
        assertThat(table).contains("WalAppendBenchmark.appendGroup avgt: params=\"recordsPerForce=1,syncMode=ALWAYS\" unit=us/op",
                "CoreStepBenchmark.proposeAndCommit thrpt: unit=ops/s", "CodecBenchmark.decodePut avgt: unit=ns/op");
        assertThat(lineAfter(table, "WalAppendBenchmark.appendGroup avgt")).startsWith("  jmh_time_per_op ")
                .contains("(worse)", "6/6", "lower");
        assertThat(lineAfter(table, "CoreStepBenchmark.proposeAndCommit thrpt")).startsWith("  jmh_throughput ")
                .contains("(better)", "6/6", "higher");
        assertThat(lineAfter(table, "CodecBenchmark.decodePut avgt")).contains(" ~ ");
        assertThat(out.resolve("compare.md")).content().contains("## JMH's own figures",
                "A 301.0 ± 12.00 us/op (3 forks); A 306.0 ± 12.00 us/op (3 forks); B 401.0");
    }

    @Test
    void aSampleModeResultWithoutRawDataIsOneSampleAndOtherJsonIsIgnored() throws Exception {
        Path file = temporary.resolve("jmh.json");
        Files.writeString(file, """
                [{"benchmark": "io.kvbench.bench.jmh.RecorderBenchmark.recordValue", "mode": "sample", "forks": 1,
                  "primaryMetric": {"score": 15.3, "scoreError": 1.2, "scoreUnit": "ns/op"}}]
                """);
        Files.writeString(temporary.resolve("other.json"), "[1, 2, 3]");

        List<Measurement> measurements = JmhResultsReader.read(file, "run-1", "").measurements();
        List<Measurement> other = JmhResultsReader.read(temporary.resolve("other.json"), "run-1", "").measurements();

        assertThat(measurements).singleElement().satisfies(m -> {
            assertThat(m.value()).isEqualTo(15.3);
            assertThat(m.metric()).isEqualTo(Metric.JMH_TIME_PER_OP);
            assertThat(m.configuration().shortLabel()).isEqualTo("RecorderBenchmark.recordValue sample: unit=ns/op");
        });
        assertThat(other).isEmpty();
    }

    /** Three benchmarks, three forks each (fork k: base + k - 1, three iterations around it). */
    private static void write(Path file, double walMicros, double coreOps, double codecNanos) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[" + String.join(",",
                entry("io.kvbench.bench.jmh.WalAppendBenchmark.appendGroup", "avgt", "us/op", walMicros,
                        "{\"recordsPerForce\": \"1\", \"syncMode\": \"ALWAYS\"}"),
                entry("io.kvbench.bench.jmh.CoreStepBenchmark.proposeAndCommit", "thrpt", "ops/s", coreOps, null),
                entry("io.kvbench.bench.jmh.CodecBenchmark.decodePut", "avgt", "ns/op", codecNanos, null)) + "]");
    }

    private static String entry(String benchmark, String mode, String unit, double base, String params) {
        StringBuilder forks = new StringBuilder();
        for (int fork = 0; fork < 3; fork++) {
            double mean = base + fork;
            forks.append(fork == 0 ? "" : ",").append(String.format(Locale.ROOT, "[%s, %s, %s]", mean - 0.5, mean,
                    mean + 0.5));
        }
        return String.format(Locale.ROOT, """
                {"benchmark": "%s", "mode": "%s", "forks": 3, %s
                 "primaryMetric": {"score": %s, "scoreError": 12.0, "scoreUnit": "%s", "rawData": [%s]}}""",
                benchmark, mode, params == null ? "" : "\"params\": " + params + ",", base + 1, unit, forks);
    }

    private static String lineAfter(String table, String label) {
        List<String> lines = table.lines().toList();
        for (int index = 0; index < lines.size() - 2; index++) {
            if (lines.get(index).startsWith(label)) {
                return lines.get(index + 2);
            }
        }
        throw new AssertionError("no group " + label + " in\n" + table);
    }
}
