package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunResultsReaderTest {

    @TempDir
    Path temporary;

    @Test
    void readsFixedRateClosedLoopAndElectionsFromSubfolders() throws Exception {
        Path run = temporary.resolve("run-1");
        ResultFolders.openLoop(run.resolve("load"), 800, 4100, 6000);
        ResultFolders.closedLoop(run.resolve("peak"), 10500.5);
        ResultFolders.elections(run.resolve("chaos"), new double[] {200, 150, 300, 250},
                new double[] {210, 160, 310, 260});

        Map<Metric, Double> values = RunResultsReader.read(run).values();

        assertThat(values).containsEntry(Metric.WRITE_P50_US, 800.0).containsEntry(Metric.WRITE_P99_US, 4100.0)
                .containsEntry(Metric.WRITE_P999_US, 6000.0).containsEntry(Metric.PEAK_THROUGHPUT_OPS_S, 10500.5)
                .containsEntry(Metric.ELECTION_P50_MS, 200.0).containsEntry(Metric.ELECTION_P99_MS, 300.0)
                .containsEntry(Metric.UNAVAILABILITY_P50_MS, 210.0)
                .containsEntry(Metric.UNAVAILABILITY_P99_MS, 310.0);
    }

    @Test
    void chaosSummaryInWideFormIsUsedWhenThereIsNoElectionsFile() throws Exception {
        Path run = temporary.resolve("run-1");
        Files.createDirectories(run);
        Files.writeString(run.resolve("summary.csv"), "trials,election_p50_ms,election_p99_ms,"
                + "unavailability_p50_ms,unavailability_p99_ms\n100,160,240,20,90\n");

        Map<Metric, Double> values = RunResultsReader.read(run).values();

        assertThat(values).containsOnly(Map.entry(Metric.ELECTION_P50_MS, 160.0),
                Map.entry(Metric.ELECTION_P99_MS, 240.0), Map.entry(Metric.UNAVAILABILITY_P50_MS, 20.0),
                Map.entry(Metric.UNAVAILABILITY_P99_MS, 90.0));
    }

    @Test
    void chaosSummaryInLongFormIsUnderstood() throws Exception {
        Path run = temporary.resolve("run-1");
        Files.createDirectories(run);
        Files.writeString(run.resolve("summary.csv"), "metric,trials,min_ms,p50_ms,p90_ms,p99_ms,max_ms,mean_ms\n"
                + "fault_to_candidate,100,140,150,160,170,180,155\n"
                + "fault_to_leader,100,150,161,180,230,250,170\n"
                + "fault_to_first_ack,100,5,22,50,95,120,30\n");

        Map<Metric, Double> values = RunResultsReader.read(run).values();

        assertThat(values).containsOnly(Map.entry(Metric.ELECTION_P50_MS, 161.0),
                Map.entry(Metric.ELECTION_P99_MS, 230.0), Map.entry(Metric.UNAVAILABILITY_P50_MS, 22.0),
                Map.entry(Metric.UNAVAILABILITY_P99_MS, 95.0));
    }

    @Test
    void electionsFileWinsOverChaosSummaryAndEmptyCellsAreSkipped() throws Exception {
        Path run = temporary.resolve("run-1");
        ResultFolders.elections(run, new double[] {100, 200}, new double[] {110, 210});
        Files.writeString(run.resolve("elections.csv"), Files.readString(run.resolve("elections.csv"))
                + "run-1,abc1234,kvnode,3,1003,kill-leader,n2,n2,4,,,,,,,0,1,3,150,300,50,1000\n");
        Files.writeString(run.resolve("summary.csv"), "election_p50_ms,election_p99_ms\n999,999\n");

        Map<Metric, Double> values = RunResultsReader.read(run).values();

        assertThat(values).containsEntry(Metric.ELECTION_P50_MS, 100.0).containsEntry(Metric.ELECTION_P99_MS, 200.0);
    }

    @Test
    void aSummaryWithoutKnownColumnsGivesNoMetrics() throws Exception {
        Path run = temporary.resolve("run-1");
        Files.createDirectories(run);
        Files.writeString(run.resolve("summary.csv"), "verdict,trials\npass,5\n");

        assertThat(RunResultsReader.read(run).values()).isEmpty();
    }

    @Test
    void aCellThatIsNotANumberIsAnError() throws Exception {
        Path run = temporary.resolve("run-1");
        ResultFolders.openLoop(run, 800, 4100, 6000);
        Files.writeString(run.resolve("summary.csv"), Files.readString(run.resolve("summary.csv"))
                .replace(",800.0,", ",fast,"));

        assertThatThrownBy(() -> RunResultsReader.read(run)).isInstanceOf(CompareException.class)
                .hasMessageContaining("p50_us is not a number: 'fast'")
                .satisfies(failure -> assertThat(((CompareException) failure).exitCode()).isEqualTo(2));
    }

    @Test
    void twoFixedRateSummariesInOneRunAreAmbiguous() throws Exception {
        Path run = temporary.resolve("run-1");
        ResultFolders.openLoop(run.resolve("first"), 800, 4100, 6000);
        ResultFolders.openLoop(run.resolve("second"), 800, 4100, 6000);

        assertThatThrownBy(() -> RunResultsReader.read(run)).isInstanceOf(CompareException.class)
                .hasMessageContaining("write_p50_us given twice in one run");
    }

    @Test
    void aCampaignsBackgroundLoadIsNotReadAsWriteLatency() throws Exception {
        Path run = temporary.resolve("run-1");
        ResultFolders.openLoop(run.resolve("load"), 800, 4100, 6000);
        ResultFolders.elections(run.resolve("chaos"), new double[] {200, 150}, new double[] {210, 160});
        // The campaign's own load generator: latency under faults, beside elections.csv.
        ResultFolders.openLoop(run.resolve("chaos").resolve("load"), 9000, 400_000, 600_000);

        Map<Metric, Double> values = RunResultsReader.read(run).values();

        assertThat(values).containsEntry(Metric.WRITE_P50_US, 800.0).containsEntry(Metric.WRITE_P99_US, 4100.0)
                .containsEntry(Metric.ELECTION_P50_MS, 150.0);
    }

    @Test
    void runFoldersAreInNaturalOrder() {
        assertThat(ResultSet.compareNatural("run-2", "run-10")).isNegative();
        assertThat(ResultSet.compareNatural("run-10", "run-9")).isPositive();
        assertThat(ResultSet.compareNatural("run-01", "run-1")).isZero();
        assertThat(ResultSet.compareNatural("a", "b")).isNegative();
    }
}
