package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareTableTest {

    @TempDir
    Path temporary;

    @Test
    void rendersAnAlignedTableGroupedByConfigurationWithTildeForNoise() {
        MetricComparison noise = MetricComparison.of(Metric.WRITE_P50_US, new double[] {800, 810, 820, 830, 840, 850},
                new double[] {805, 815, 825, 835, 845, 855});
        MetricComparison worse = MetricComparison.of(Metric.WRITE_P99_US,
                new double[] {4000, 4010, 4020, 4030, 4040, 4050}, new double[] {5000, 5010, 5020, 5030, 5040, 5050});
        MetricComparison faster = MetricComparison.of(Metric.PEAK_THROUGHPUT_OPS_S,
                new double[] {100, 101, 102, 103, 104, 105}, new double[] {120, 121, 122, 123, 124, 125});
        CompareTable table = new CompareTable("v0.10", "v0.11", List.of(new CompareTable.Row("sequential", noise),
                new CompareTable.Row("sequential", worse), new CompareTable.Row("peak", faster)), List.of("a note"));

        List<String> lines = table.render().lines().toList();

        assertThat(lines.subList(0, 4)).containsExactly("A: v0.10", "B: v0.11", "", "sequential");
        String header = lines.get(4);
        String noiseLine = lines.get(5);
        String worseLine = lines.get(6);
        assertThat(header).startsWith("  metric").contains("A median [95% CI]", "B median [95% CI]", "delta", "p",
                "n A/B", "better");
        assertThat(noiseLine).startsWith("  write_p50_us").contains("825.0 [800.0, 850.0]", "   ~   ", "6/6",
                "lower");
        assertThat(worseLine).startsWith("  write_p99_us").contains("4025 [4000, 4050]", "5025 [5000, 5050]",
                "+24.84% (worse)", "0.002");
        assertThat(lines.subList(7, 9)).containsExactly("", "peak");
        // Higher is better for throughput: a higher B is an improvement.
        assertThat(lines.get(10)).startsWith("  peak_throughput_ops_s").contains("+19.51% (better)", "higher");
        // Columns line up across groups: each column ends at the same place on every line.
        int headerEnd = header.indexOf("n A/B") + "n A/B".length();
        assertThat(noiseLine.substring(headerEnd - 3, headerEnd)).isEqualTo("6/6");
        assertThat(lines.get(10).substring(headerEnd - 3, headerEnd)).isEqualTo("6/6");
        assertThat(table.render()).contains("note: a note", "~: not significant (Mann-Whitney U",
                "lower for latencies, times and CPU, higher for throughput");
    }

    @Test
    void fewRunsPrintInfiniteIntervalAndLeaveCsvCellsEmpty() throws Exception {
        MetricComparison fewRuns = MetricComparison.of(Metric.ELECTION_P50_MS, new double[] {150, 160, 170},
                new double[] {100, 110, 120});
        CompareTable table = new CompareTable("a", "b", List.of(new CompareTable.Row("chaos", fewRuns)), List.of());
        assertThat(table.render()).contains("160.0 ± ∞", "110.0 ± ∞", "0.100");

        Path csv = temporary.resolve("compare.csv");
        table.writeCsv(csv);
        assertThat(Files.readAllLines(csv)).containsExactly(String.join(",", CompareTable.CSV_COLUMNS),
                "chaos,election_p50_ms,lower,160,,,110,,,-31.25,0.1,3,3,false");
    }

    @Test
    void csvHasTheDocumentedColumnsAndPlainNumbers() throws Exception {
        double[] a = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109};
        double[] b = {120, 121, 122, 123, 124, 125, 126, 127, 128, 129};
        CompareTable table = new CompareTable("a", "b", List.of(new CompareTable.Row("kvnode OPEN_LOOP: rate=1000",
                MetricComparison.of(Metric.WRITE_P99_US, a, b))), List.of());
        Path csv = temporary.resolve("out/compare.csv");

        table.writeCsv(csv);

        assertThat(Files.readAllLines(csv)).containsExactly("configuration,metric,better,a_median,a_ci_low,a_ci_high,"
                        + "b_median,b_ci_low,b_ci_high,delta_pct,p_value,n_a,n_b,significant",
                "kvnode OPEN_LOOP: rate=1000,write_p99_us,lower,104.5,101,108,124.5,121,128,19.1387559809,"
                        + "0.0000108250882245,10,10,true");
    }

    @Test
    void metricsOnOneSideAndSmallSamplesAreNoted() throws Exception {
        Configuration load = Configuration.of(Map.of("target", "kvnode", "mode", "OPEN_LOOP", "rate", "1000"));
        List<Measurement> inA = new ArrayList<>();
        List<Measurement> inB = new ArrayList<>();
        for (int round = 1; round <= 2; round++) {
            Path source = temporary.resolve("run-" + round).resolve("summary.csv");
            inA.add(new Measurement("run-" + round, load, Metric.WRITE_P50_US, 800 + round, source, "a"));
            inA.add(new Measurement("run-" + round, load, Metric.CPU_US_PER_OP, 140, source, "a"));
            inB.add(new Measurement("run-" + round, load, Metric.WRITE_P50_US, 820 + round, source, "b"));
        }

        CompareTable table = CompareTable.of(ResultSet.of("A-dir", temporary, inA), ResultSet.of("B-dir", temporary, inB),
                Set.of());

        assertThat(table.rows()).extracting(CompareTable.Row::metric).containsExactly(Metric.WRITE_P50_US);
        assertThat(table.notes()).contains("kvnode OPEN_LOOP: rate=1000: cpu_us_per_op measured in A only",
                "with 2 and 2 runs p cannot go below 0.333, so no change can be significant; use more runs");
        assertThat(table.render()).contains("A: A-dir (commit a, 2 runs)", "note: ± ∞: fewer than 6 runs");
    }

    @Test
    void shortNumbersKeepAboutFourDigits() {
        assertThat(CompareTable.shortNumber(10500.4)).isEqualTo("10500");
        assertThat(CompareTable.shortNumber(820.25)).isEqualTo("820.3");
        assertThat(CompareTable.shortNumber(15.254)).isEqualTo("15.25");
        assertThat(CompareTable.shortNumber(0.8534)).isEqualTo("0.853");
        assertThat(CompareTable.pValueText(0.0000108)).isEqualTo("1.1e-05");
        assertThat(CompareTable.pValueText(0.21)).isEqualTo("0.210");
    }
}
