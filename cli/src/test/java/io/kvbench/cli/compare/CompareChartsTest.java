package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's charts, drawn by the repository's plot.py from a compare folder made of fixture runs. */
class CompareChartsTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    Path temporary;

    @BeforeAll
    static void matplotlib() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && python("import matplotlib").exitCode == 0,
                PYTHON + " cannot import matplotlib (apt-get install python3-matplotlib)");
    }

    @Test
    void compareDrawsRoundsSpectraAndElectionsAndLinksThemInCompareMd() throws Exception {
        Path a = temporary.resolve("A");
        Path b = temporary.resolve("B");
        for (int round = 1; round <= 4; round++) {
            for (Path side : List.of(a, b)) {
                double slower = side == b ? 1.5 : 1.0;
                Path peak = side.resolve("run-" + round).resolve("peak-16-clients");
                ResultFolders.peakRun(peak, "kvnode", 16, 12000 / slower + round, 900 * slower + round, "c");
                Files.writeString(peak.resolve("latency.hgrm"), hgrm(0.9 * slower));
                ResultFolders.campaign(side.resolve("run-" + round).resolve("leader-kill"), 50,
                        new double[] {20 * slower + round, 30}, new double[] {25 * slower + round, 35}, "c", Map.of());
            }
        }
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", out.toString());

        assertThat(run.exitCode()).as(run.errors()).isZero();
        for (String chart : CompareCharts.CHARTS) {
            assertThat(out.resolve(chart)).as(chart).exists();
            byte[] start = new byte[4];
            System.arraycopy(Files.readAllBytes(out.resolve(chart)), 0, start, 0, 4);
            assertThat(start).as(chart).isEqualTo(PNG_MAGIC);
            assertThat(out.resolve(chart.replace(".png", ".svg"))).exists();
        }
        assertThat(out.resolve("compare.md")).content().contains("![compare-rounds.png](compare-rounds.png)",
                "![compare-spectra.png](compare-spectra.png)", "![compare-elections.png](compare-elections.png)");
    }

    @Test
    void panelTitlesNameTheExperimentAndWhatTellsItsConfigurationsApart() throws Exception {
        Result titles = python("import plot\n"
                + "titles, common = plot.configuration_titles(['etcd CLOSED_LOOP: clients=16 fsync=\"etcd default: "
                + "x (y)\" keys=1000', 'kvnode CLOSED_LOOP: clients=16 fsync=always keys=1000', 'kvnode CLOSED_LOOP: "
                + "clients=64 fsync=always keys=1000', 'kvnode chaos kill-leader: heartbeatMillis=50 vs 30 keys=1000'])\n"
                + "print(repr(list(titles.values())))\nprint(common)\n");

        assertThat(titles.exitCode).as(titles.output).isZero();
        assertThat(titles.output).isEqualTo("['etcd CLOSED_LOOP', 'kvnode CLOSED_LOOP\\nclients=16', "
                + "'kvnode CLOSED_LOOP\\nclients=64', 'kvnode chaos kill-leader\\nheartbeatMillis=50 vs 30']\n"
                + "keys=1000\n");
    }

    @Test
    void historyChartFromHistoryCsv() throws Exception {
        Path csv = temporary.resolve("history.csv");
        Files.writeString(csv, "release,commit,date,write_p50_over_floor,write_p99_over_floor,"
                + "peak_throughput_ratio_to_etcd,peak_clients,peak_ratio_runs,election_p50_ms,election_p99_ms,"
                + "unavailability_p50_ms,unavailability_p99_ms,machine\n"
                + "v0.11,1111,2026-12-01,2.9,8.1,8,16,1,20.1,40.5,27.1,82.1,2 cores\n"
                + "v0.12,2222,2026-12-08,2.5,,,,,19,35,25,60,2 cores\n");

        Result drawn = python("import sys, plot\nsys.exit(plot.main(['history', '" + csv + "']))\n");

        assertThat(drawn.exitCode).as(drawn.output).isZero();
        assertThat(drawn.output.lines()).containsExactly(temporary.resolve("history.png").toString(),
                temporary.resolve("history.svg").toString());
        Files.writeString(csv, "release,commit\nv1,1\n");
        Result bad = python("import sys, plot\nsys.exit(plot.main(['history', '" + csv + "']))\n");
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.output).contains("missing column(s) date,write_p50_over_floor");
    }

    /** A small percentile spectrum around {@code p50} ms, in HdrHistogram's text format. */
    private static String hgrm(double p50) {
        StringBuilder text = new StringBuilder("       Value     Percentile TotalCount 1/(1-Percentile)\n\n");
        double[] percentiles = {0.0, 0.5, 0.9, 0.99, 0.999};
        for (int index = 0; index < percentiles.length; index++) {
            double inverse = 1 / (1 - percentiles[index]);
            text.append(String.format(Locale.ROOT, "%12.3f %14.12f %10d %14.2f%n", p50 * (1 + index * index),
                    percentiles[index], 100 * (index + 1), inverse));
        }
        text.append(String.format(Locale.ROOT, "%12.3f %14.12f %10d%n", p50 * 30, 1.0, 600));
        return text.toString();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result python(String program) throws Exception {
        Path repository = Path.of("").toAbsolutePath();
        while (!Files.exists(repository.resolve("plot.py"))) {
            repository = repository.getParent();
        }
        Process process = new ProcessBuilder(PYTHON, "-c", program).directory(repository.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }
}
