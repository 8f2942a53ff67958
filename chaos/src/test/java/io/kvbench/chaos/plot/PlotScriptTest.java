package io.kvbench.chaos.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the repository's plot.py with Debian's python3 on the sample results in src/test/resources/plot. What a chart
 * shows is checked through plot.py's --describe JSON (titles, labels, scales, series, ticks), not its pixels.
 */
class PlotScriptTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final long TIMEOUT_SECONDS = 120;
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final List<String> SAMPLE_FILES = List.of(
            "timeseries.csv", "faults.csv", "latency.hgrm", "latency-b.hgrm", "elections.csv", "elections-b.csv",
            "compare.csv", "history.csv", "sweep.csv");

    private static Path plotScript;

    @TempDir
    Path results;

    private record Run(int exitCode, String output) {
    }

    @BeforeAll
    static void findPlotScriptAndMatplotlib() throws Exception {
        plotScript = findRepositoryFile("plot.py");
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import matplotlib")).exitCode() == 0,
                PYTHON + " cannot import matplotlib (apt-get install python3-matplotlib)");
    }

    @BeforeEach
    void copySampleResults() throws IOException {
        for (String name : SAMPLE_FILES) {
            try (InputStream sample = PlotScriptTest.class.getResourceAsStream("/plot/" + name)) {
                assertThat(sample).as("test resource plot/" + name).isNotNull();
                Files.copy(sample, results.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void spectrumOverlaysSeveralRuns() throws Exception {
        Path prefix = results.resolve("charts/spectrum");
        Run run = plot("spectrum", file("latency.hgrm"), file("latency-b.hgrm"), "--labels", "v1", "v2",
                "--out", prefix.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertImages(prefix);
    }

    @Test
    void timeseriesShadesFaultsNextToItsInputs() throws Exception {
        Run run = plot("timeseries", results.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertImages(results.resolve("timeseries"));
        // No load/timeseries.csv: no load generator panel.
        assertThat(Files.readString(results.resolve("timeseries.svg"))).doesNotContain("open-loop load generator");
    }

    @Test
    void timeseriesAddsTheLoadGeneratorPanelWhenACampaignHasOne() throws Exception {
        copySample("load-timeseries.csv", results.resolve("load/timeseries.csv"));
        Run run = plot("timeseries", results.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertImages(results.resolve("timeseries"));
        // The second latency panel and the load's rate lines are in the drawing (the SVG keeps each text as a comment).
        String svg = Files.readString(results.resolve("timeseries.svg"));
        assertThat(svg).contains("open-loop load generator").contains("load timeouts/s");
    }

    @Test
    void electionsDrawsOneLinePerFile() throws Exception {
        Run run = plot("elections", file("elections.csv"), file("elections-b.csv"), "--labels", "150-300 ms", "150-155 ms");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertImages(results.resolve("elections"));
    }

    @Test
    void electionsNameEachCampaignByItsTargetLabel() throws Exception {
        String etcd = "etcd 3.4.23 (v3 JSON gateway), heartbeat 30 ms, election 150-300 ms, probe 1 ms";
        String kvnode = "kvnode 82baf51, heartbeat 30 ms, election 150-300 ms, connection-closed hint on, probe 1 ms";
        for (String[] campaign : new String[][] {{"etcd-run", etcd}, {"kvnode-seed-11", kvnode}, {"kvnode-seed-12", kvnode}}) {
            copySample("elections.csv", results.resolve(campaign[0]).resolve("elections.csv"));
            Files.writeString(results.resolve(campaign[0]).resolve("run.json"), "{\"targetLabel\": \"" + campaign[1] + "\"}");
        }
        Run run = plot("elections", file("etcd-run/elections.csv"), file("kvnode-seed-11/elections.csv"),
                file("kvnode-seed-12/elections.csv"), "--out", results.resolve("elections").toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        // The SVG keeps each text as a comment: the legends name what was measured.
        // Legend labels are wrapped to fit their panel, and the SVG keeps each line as its own comment, in order: the
        // comments joined with spaces give the labels back.
        String svg = Pattern.compile("<!-- (.*?) -->").matcher(Files.readString(results.resolve("elections.svg"))).results()
                .map(match -> match.group(1)).collect(Collectors.joining(" "));
        // Two campaigns of one target are told apart by their folders.
        assertThat(svg).contains(etcd + " n=").contains(kvnode + " (kvnode-seed-11)").contains(kvnode + " (kvnode-seed-12)");
    }

    @Test
    void compareDrawsDeltaBars() throws Exception {
        Run run = plot("compare", file("compare.csv"));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertImages(results.resolve("compare"));
    }

    @Test
    void allDrawsEveryChartTheFilesAllow() throws Exception {
        Run run = plot("all", results.toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        for (String name : List.of("timeseries", "latency-spectrum", "elections", "compare", "operations", "latency-vs-throughput")) {
            assertImages(results.resolve(name));
        }
    }

    @Test
    void missingFileIsBadInput() throws Exception {
        Run run = plot("compare", file("no-such.csv"));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output().strip()).startsWith("plot.py: ").contains("no-such.csv: no such file").doesNotContain("\n");
    }

    @Test
    void wrongColumnsAreBadInput() throws Exception {
        Files.writeString(results.resolve("elections.csv"), "trial,fault_to_leader_ms\n1,250\n");
        Run run = plot("elections", file("elections.csv"));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("missing column(s) run_id,git_sha");
    }

    @Test
    void aBadNumberIsBadInput() throws Exception {
        Files.writeString(results.resolve("timeseries.csv"),
                "elapsed_s,ops,errors,timeouts,p50_us,p90_us,p99_us,max_us\n1,many,0,0,1,2,3,4\n");
        Run run = plot("timeseries", results.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("line 2: column ops is not a number: 'many'");
    }

    @Test
    void withoutMatplotlibItSaysWhatToInstall() throws Exception {
        // -S skips site-packages, where Debian's python3-matplotlib lives.
        Run run = run(List.of(PYTHON, "-S", plotScript.toString(), "compare", file("compare.csv")));
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.output()).contains("python3-matplotlib").contains("/usr/bin/python3");
    }

    @Test
    void spectrumSaysWhatRanFromRunJsonAndCanUseALogAxisWithPlainMilliseconds() throws Exception {
        Path run = results.resolve("run-a");
        Files.createDirectories(run);
        Files.copy(results.resolve("latency.hgrm"), run.resolve("latency.hgrm"));
        copySample("load-run.json", run.resolve("run.json"));

        JsonNode chart = describeOne(plot("--describe", describeFile(), "spectrum", run.resolve("latency.hgrm").toString(), "--log-y"),
                "latency-spectrum");

        JsonNode axes = chart.path("axes").get(0);
        assertThat(axes.path("title").asText()).startsWith("Request latency, from the intended send time, by percentile")
                .contains("kvnode (fsync always) | open loop 1000 ops/s, 4 connections | commit abc1234 | 2026-12-01 09:00 UTC");
        assertThat(texts(axes.path("legend"))).singleElement().asString().startsWith("kvnode (fsync always) @ abc1234 (max ");
        assertThat(axes.path("yscale").asText()).isEqualTo("log");
        assertThat(texts(axes.path("yticklabels"))).contains("1", "2", "5").noneMatch(label -> label.contains("^"));
        assertThat(texts(axes.path("xticklabels"))).contains("50%", "99%", "99.99%");
    }

    @Test
    void allDrawsOneSpectrumPerMeasureAndElectionsAsTheirCdf() throws Exception {
        Path campaign = results.resolve("campaign");
        Files.createDirectories(campaign.resolve("load"));
        copySample("elections.csv", campaign.resolve("elections.csv"));
        copySample("latency.hgrm", campaign.resolve("election.hgrm"));
        copySample("latency-b.hgrm", campaign.resolve("unavailability.hgrm"));
        copySample("latency.hgrm", campaign.resolve("load/latency.hgrm"));
        copySample("latency-b.hgrm", campaign.resolve("load/service.hgrm"));
        copySample("chaos-run.json", campaign.resolve("run.json"));

        JsonNode charts = describeAll(plot("--describe", describeFile(), "all", campaign.toString()));

        JsonNode latency = chart(charts, "campaign/latency-spectrum").path("axes").get(0);
        assertThat(latency.path("lines")).as("request latency alone: the load generator's, not elections").hasSize(1);
        assertThat(latency.path("title").asText()).startsWith("Request latency");
        JsonNode service = chart(charts, "campaign/service-spectrum").path("axes").get(0);
        assertThat(service.path("lines")).hasSize(1);
        assertThat(service.path("title").asText()).startsWith("Service time");
        JsonNode elections = chart(charts, "campaign/elections");
        assertThat(elections.path("suptitle").asText()).contains("Leader election")
                .contains("kvnode, heartbeat 30 ms, election 150-300 ms | 3 nodes, kill-leader x2, 400 writes/s offered | commit abc1234");
        assertThat(texts(elections.path("axes").get(0).path("legend"))).singleElement()
                .extracting(text -> text.replaceAll("\\s+", " ")).asString()
                .startsWith("kvnode, heartbeat 30 ms, election 150-300 ms @ abc1234 n=100");
        assertThat(StreamSupport.stream(charts.spliterator(), false).map(c -> c.path("prefix").asText()))
                .noneMatch(prefix -> prefix.contains("election-spectrum") || prefix.contains("unavailability"));
    }

    @Test
    void aHundredFaultsAreNumberedShadedAndListed() throws Exception {
        StringBuilder faults = new StringBuilder("fault_start_s,recovered_s,fault,victim\n");
        for (int fault = 0; fault < 100; fault++) {
            faults.append(String.format(Locale.ROOT, "%.1f,%.3f,kill-leader,n%d%n", 0.5 + fault * 0.59, 0.5 + fault * 0.59 + 0.025, 1 + fault % 3));
        }
        Files.writeString(results.resolve("faults.csv"), faults);
        copySample("chaos-run.json", results.resolve("run.json"));

        JsonNode chart = describeOne(plot("--describe", describeFile(), "timeseries", results.toString()), "timeseries");

        assertThat(chart.path("suptitle").asText()).startsWith("Latency and throughput over time, 100 faults")
                .contains("commit abc1234").contains("2026-12-01 10:20 UTC");
        JsonNode latency = chart.path("axes").get(0);
        assertThat(texts(latency.path("texts"))).as("every 10th fault numbered, and the first")
                .containsExactly("#1", "#10", "#20", "#30", "#40", "#50", "#60", "#70", "#80", "#90", "#100");
        assertThat(latency.path("patches").asInt()).as("one band per fault").isEqualTo(100);
        assertThat(latency.path("unlabelled_lines").asInt()).as("one line where each fault began").isEqualTo(100);
        assertThat(latency.path("yscale").asText()).isEqualTo("log");
        assertThat(texts(latency.path("yticklabels"))).contains("1", "10").noneMatch(label -> label.contains("^"));
        assertThat(texts(latency.path("legend"))).contains("p50", "p99", "max", "fault until recovery (numbers: table)");
        JsonNode table = chart.path("axes").get(2);
        assertThat(table.path("visible").asBoolean()).isFalse();
        List<String> columns = texts(table.path("texts"));
        assertThat(columns).hasSize(2);
        assertThat(columns.get(0).lines()).hasSize(51).element(1).asString().matches(" +1 kill-leader +n1 +0\\.5 +25 ms");
        assertThat(columns.get(1).lines()).last().asString().startsWith("100 kill-leader");
    }

    @Test
    void thePartialLastIntervalIsNotDrawn() throws Exception {
        Files.writeString(results.resolve("timeseries.csv"), "elapsed_s,ops,errors,timeouts,p50_us,p90_us,p99_us,max_us\n"
                + "1.000,1000,0,0,800,900,1000,2000\n2.000,1000,0,0,800,900,1000,2000\n3.000,1000,0,0,800,900,1000,2000\n"
                + "3.400,400,0,0,800,900,1000,2000\n");
        Files.delete(results.resolve("faults.csv"));

        JsonNode chart = describeOne(plot("--describe", describeFile(), "timeseries", results.toString()), "timeseries");

        JsonNode rates = chart.path("axes").get(1);
        assertThat(rates.path("lines").get(0).path("label").asText()).isEqualTo("ops/s");
        assertThat(rates.path("lines").get(0).path("points").asInt()).isEqualTo(3);
        assertThat(rates.path("xlabel").asText()).contains("the last interval, cut short by the end of the run, is not drawn");
    }

    /** Issue 19: a load run's CPU, run-queue wait and JVM pauses per second, under the rates; empty cells are skipped. */
    @Test
    void aLoadRunsSchedulerFiguresGetAPanelOfTheirOwn() throws Exception {
        Files.writeString(results.resolve("timeseries.csv"), "elapsed_s,ops,errors,timeouts,p50_us,p90_us,p99_us,max_us,"
                + "cpu_ms,run_queue_wait_ms,jvm_stopped_ms\n1.000,1000,0,0,800,900,1000,2000,900.0,40.0,0.0\n"
                + "2.000,1000,0,0,800,900,9000,12000,1500.0,600.0,45.2\n3.000,1000,0,0,800,900,1000,2000,,,\n");
        Files.delete(results.resolve("faults.csv"));

        JsonNode chart = describeOne(plot("--describe", describeFile(), "timeseries", results.toString()), "timeseries");

        assertThat(chart.path("axes")).hasSize(3);
        JsonNode scheduler = chart.path("axes").get(2);
        assertThat(scheduler.path("title").asText()).startsWith("Where time went: CPU used, time runnable but waiting, JVMs stopped");
        assertThat(scheduler.path("ylabel").asText()).isEqualTo("seconds per second, summed");
        assertThat(scheduler.path("lines").get(0).path("label").asText()).isEqualTo("CPU used, all processes");
        assertThat(scheduler.path("lines").get(1).path("label").asText()).isEqualTo("runnable, waiting for a CPU (run queue)");
        assertThat(scheduler.path("lines").get(1).path("points").asInt()).isEqualTo(2);
        assertThat(scheduler.path("lines").get(2).path("label").asText()).isEqualTo("JVMs stopped (GC and other safepoints)");
        assertThat(scheduler.path("xlabel").asText()).startsWith("time since load start (s)");
    }

    @Test
    void operationsAreDrawnAtTheirInvokeTimeByOutcomeWithFaultsShaded() throws Exception {
        copySample("chaos-run.json", results.resolve("run.json"));

        JsonNode chart = describeOne(plot("--describe", describeFile(), "operations", results.toString()), "operations");

        assertThat(chart.path("suptitle").asText()).startsWith("Every operation at its invoke time, by outcome (120 operations)")
                .contains("kill-leader x2");
        JsonNode axes = chart.path("axes").get(0);
        List<String> series = StreamSupport.stream(axes.path("collections").spliterator(), false)
                .map(c -> c.path("label").asText()).toList();
        assertThat(series).anyMatch(label -> label.startsWith("PUT ok (")).anyMatch(label -> label.startsWith("GET ok ("))
                .anyMatch(label -> label.startsWith("PUT fail (")).anyMatch(label -> label.contains(" unknown ("));
        int points = StreamSupport.stream(axes.path("collections").spliterator(), false).mapToInt(c -> c.path("points").asInt()).sum();
        assertThat(points).as("every operation drawn once").isEqualTo(120);
        assertThat(axes.path("patches").asInt()).as("the two faults of faults.csv").isEqualTo(2);
        assertThat(axes.path("xlabel").asText()).isEqualTo("time since load start (s)");
        assertThat(axes.path("ylabel").asText()).contains("never completed (1) drawn at the top");
    }

    @Test
    void sweepDrawsP50AndP99AgainstAchievedRatePerTarget() throws Exception {
        JsonNode chart = describeOne(plot("--describe", describeFile(), "sweep", file("sweep.csv")), "latency-vs-throughput");

        JsonNode axes = chart.path("axes").get(0);
        assertThat(StreamSupport.stream(axes.path("lines").spliterator(), false).map(line -> line.path("label").asText()))
                .containsExactly("kvnode p50", "kvnode p99", "etcd p50", "etcd p99");
        assertThat(axes.path("lines").get(0).path("points").asInt()).isEqualTo(4);
        assertThat(axes.path("collections")).as("the saturated steps circled").hasSize(2);
        assertThat(texts(axes.path("legend"))).containsOnlyOnce("circled: achieved < 95 % of offered (saturated)");
        assertThat(axes.path("xlabel").asText()).startsWith("achieved rate (operations per second)");
        assertThat(axes.path("yscale").asText()).isEqualTo("log");
        assertThat(axes.path("title").asText()).contains("10-100 % of each target's measured peak");
    }

    @Test
    void aTargetLabelInRunJsonNamesTheTarget() throws Exception {
        String label = "etcd 3.4.23 (v3 JSON gateway), heartbeat 30 ms, election 150-300 ms, probe 1 ms";
        Path run = results.resolve("etcd-run");
        Files.createDirectories(run);
        copySample("elections.csv", run.resolve("elections.csv"));
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode runJson =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(sample("chaos-run.json"));
        runJson.put("target", "etcd").put("targetLabel", label);
        json.writeValue(run.resolve("run.json").toFile(), runJson);

        JsonNode chart = describeOne(plot("--describe", describeFile(), "elections", run.resolve("elections.csv").toString()), "elections");

        assertThat(chart.path("suptitle").asText()).contains(label + " | 3 nodes, kill-leader x2");
        assertThat(texts(chart.path("axes").get(0).path("legend"))).singleElement()
                .extracting(text -> text.replaceAll("\\s+", " ")).asString().startsWith(label + " @ abc1234 n=100");
    }

    @Test
    void helpListsTheSubcommands() throws Exception {
        Run run = plot("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.output()).contains("spectrum", "timeseries", "elections", "compare", "operations", "sweep", "all", "--describe");
    }

    private String describeFile() {
        return results.resolve("charts.json").toString();
    }

    /** The --describe entries of the run, after checking it drew without error. */
    private JsonNode describeAll(Run run) throws IOException {
        assertThat(run.exitCode()).as(run.output()).isZero();
        return new ObjectMapper().readTree(results.resolve("charts.json").toFile()).path("charts");
    }

    private JsonNode describeOne(Run run, String name) throws IOException {
        JsonNode charts = describeAll(run);
        JsonNode chart = chart(charts, name);
        assertImages(Path.of(chart.path("prefix").asText()));
        return chart;
    }

    private static JsonNode chart(JsonNode charts, String prefixEnd) {
        return StreamSupport.stream(charts.spliterator(), false).filter(c -> c.path("prefix").asText().endsWith("/" + prefixEnd))
                .findFirst().orElseThrow(() -> new AssertionError("no chart " + prefixEnd + " in " + charts));
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static byte[] sample(String name) throws IOException {
        try (InputStream sample = PlotScriptTest.class.getResourceAsStream("/plot/" + name)) {
            assertThat(sample).as("test resource plot/" + name).isNotNull();
            return sample.readAllBytes();
        }
    }

    private static void copySample(String name, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try (InputStream sample = PlotScriptTest.class.getResourceAsStream("/plot/" + name)) {
            assertThat(sample).as("test resource plot/" + name).isNotNull();
            Files.copy(sample, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private String file(String name) {
        return results.resolve(name).toString();
    }

    private static void assertImages(Path prefix) throws IOException {
        Path png = Paths.get(prefix + ".png");
        Path svg = Paths.get(prefix + ".svg");
        assertThat(png).isRegularFile();
        assertThat(Arrays.copyOf(Files.readAllBytes(png), PNG_MAGIC.length)).isEqualTo(PNG_MAGIC);
        assertThat(Files.size(png)).isGreaterThan(5_000);
        assertThat(svg).isRegularFile();
        assertThat(Files.readString(svg)).startsWith("<?xml").contains("<svg");
    }

    private Run plot(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, plotScript.toString()));
        command.addAll(List.of(arguments));
        return run(command);
    }

    private static Run run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Walks up from the working directory (the module when Maven runs the tests) to the repository root. */
    private static Path findRepositoryFile(String name) {
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            if (Files.isRegularFile(directory.resolve(name))) {
                return directory.resolve(name);
            }
        }
        throw new AssertionError(name + " not found in " + Path.of("").toAbsolutePath() + " or any parent");
    }
}
