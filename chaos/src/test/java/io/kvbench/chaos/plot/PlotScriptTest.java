package io.kvbench.chaos.plot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the repository's plot.py with Debian's python3 on the sample results in src/test/resources/plot. */
class PlotScriptTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final long TIMEOUT_SECONDS = 120;
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final List<String> SAMPLE_FILES = List.of(
            "timeseries.csv", "faults.csv", "latency.hgrm", "latency-b.hgrm", "elections.csv", "elections-b.csv",
            "compare.csv");

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
        String svg = Files.readString(results.resolve("elections.svg"));
        assertThat(svg).contains(etcd + ": n=").contains("kvnode-seed-11: " + kvnode).contains("kvnode-seed-12: " + kvnode);
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
        for (String name : List.of("timeseries", "latency-spectrum", "elections", "compare")) {
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
    void helpListsTheSubcommands() throws Exception {
        Run run = plot("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.output()).contains("spectrum", "timeseries", "elections", "compare", "all");
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
