package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunResultsReaderTest {

    @TempDir
    Path temporary;

    @Test
    void readsALoadRunWithItsConfigurationFromRunJson() throws Exception {
        Path run = temporary.resolve("kvnode-peak-16-clients");
        ResultFolders.peakRun(run, "kvnode", 16, 12500.5, 900, ResultFolders.COMMIT_A);

        List<Measurement> measurements = RunResultsReader.read(run, "r1");

        assertThat(values(measurements)).containsEntry(Metric.PEAK_THROUGHPUT_OPS_S, 12500.5)
                .containsEntry(Metric.WRITE_P50_US, 900.0).containsEntry(Metric.WRITE_P99_US, 3600.0)
                .containsEntry(Metric.WRITE_P50_OVER_FLOOR, 6.0).containsEntry(Metric.WRITE_P99_OVER_FLOOR, 12.0);
        Measurement any = measurements.get(0);
        assertThat(any.round()).isEqualTo("r1");
        assertThat(any.commit()).isEqualTo(ResultFolders.COMMIT_A);
        assertThat(any.configuration().keys()).containsEntry("target", "kvnode").containsEntry("mode", "CLOSED_LOOP")
                .containsEntry("clients", "16").containsEntry("connections", "16").containsEntry("fsync", "always")
                .containsEntry("valueSizeBytes", "100").containsEntry("readWriteCasPercent", "0/100/0")
                .doesNotContainKey("rate");
        assertThat(any.configuration().shortLabel()).startsWith("kvnode CLOSED_LOOP: clients=16 connections=16");
    }

    @Test
    void withoutRunJsonTheCsvGivesWhatItHas() throws Exception {
        Path load = temporary.resolve("load");
        ResultFolders.openLoop(load, 800, 4100, 6000);
        Path chaos = temporary.resolve("chaos");
        ResultFolders.elections(chaos, new double[] {200, 150, 300, 250}, new double[] {210, 160, 310, 260});

        List<Measurement> fromLoad = RunResultsReader.read(load, "run-1");
        List<Measurement> fromChaos = RunResultsReader.read(chaos, "run-1");

        assertThat(values(fromLoad)).containsOnly(Map.entry(Metric.WRITE_P50_US, 800.0),
                Map.entry(Metric.WRITE_P99_US, 4100.0), Map.entry(Metric.WRITE_P999_US, 6000.0));
        assertThat(fromLoad.get(0).configuration().keys()).isEqualTo(
                Map.of("target", "kvnode", "mode", "OPEN_LOOP", "rate", "1000"));
        assertThat(values(fromChaos)).containsOnly(Map.entry(Metric.ELECTION_P50_MS, 200.0),
                Map.entry(Metric.ELECTION_P99_MS, 300.0), Map.entry(Metric.UNAVAILABILITY_P50_MS, 210.0),
                Map.entry(Metric.UNAVAILABILITY_P99_MS, 310.0));
        assertThat(fromChaos.get(0).configuration().keys()).containsEntry("mode", "chaos")
                .containsEntry("fault", "kill-leader").containsEntry("heartbeatMillis", "50")
                .containsEntry("clusterSize", "3").containsEntry("rate", "1000");
        assertThat(fromChaos.get(0).commit()).isEqualTo("abc1234");
    }

    @Test
    void aCampaignsRunJsonGivesItsSettingsAndTheKeysNewerRunsAdd() throws Exception {
        Path chaos = temporary.resolve("chaos");
        ResultFolders.campaign(chaos, 30, new double[] {20, 25}, new double[] {25, 30}, ResultFolders.COMMIT_B,
                Map.of("probeIntervalMillis", 5, "targetLabel", "kvnode-hint"));

        Configuration configuration = RunResultsReader.read(chaos, "x").get(0).configuration();

        assertThat(configuration.keys()).containsEntry("heartbeatMillis", "30").containsEntry("rate", "400")
                .containsEntry("clientFanOut", "true").containsEntry("network", "loopback")
                .containsEntry("probeIntervalMillis", "5").containsEntry("targetLabel", "kvnode-hint");
    }

    @Test
    void chaosSummaryInWideFormIsUsedWhenThereIsNoElectionsFile() throws Exception {
        Path run = temporary.resolve("run-1");
        Files.createDirectories(run);
        Files.writeString(run.resolve("summary.csv"), "trials,election_p50_ms,election_p99_ms,"
                + "unavailability_p50_ms,unavailability_p99_ms\n100,160,240,20,90\n");

        assertThat(values(RunResultsReader.read(run, "r"))).containsOnly(Map.entry(Metric.ELECTION_P50_MS, 160.0),
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

        assertThat(values(RunResultsReader.read(run, "r"))).containsOnly(Map.entry(Metric.ELECTION_P50_MS, 161.0),
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

        assertThat(values(RunResultsReader.read(run, "r"))).containsEntry(Metric.ELECTION_P50_MS, 100.0)
                .containsEntry(Metric.ELECTION_P99_MS, 200.0);
    }

    @Test
    void aSummaryWithoutKnownColumnsGivesNoMetrics() throws Exception {
        Path run = temporary.resolve("run-1");
        Files.createDirectories(run);
        Files.writeString(run.resolve("summary.csv"), "verdict,trials\npass,5\n");

        assertThat(RunResultsReader.read(run, "r")).isEmpty();
    }

    @Test
    void theReferenceRunsScenarioTableIsNotReadAgain() throws Exception {
        Path reference = temporary.resolve("rerun");
        Files.createDirectories(reference);
        Files.writeString(reference.resolve("summary.csv"), "scenario," + ResultFolders.LOAD_HEADER.strip() + "\n"
                + "kvnode-peak-16-clients,kvnode,CLOSED_LOOP,0,12000,1,0,0,1,900,1,4000,1,1,1,1,1,10,5\n");

        assertThat(RunResultsReader.read(reference, "r")).isEmpty();
    }

    @Test
    void aCellThatIsNotANumberIsAnError() throws Exception {
        Path run = temporary.resolve("run-1");
        ResultFolders.openLoop(run, 800, 4100, 6000);
        Files.writeString(run.resolve("summary.csv"), Files.readString(run.resolve("summary.csv"))
                .replace(",800.0,", ",fast,"));

        assertThatThrownBy(() -> RunResultsReader.read(run, "r")).isInstanceOf(CompareException.class)
                .hasMessageContaining("p50_us is not a number: 'fast'")
                .satisfies(failure -> assertThat(((CompareException) failure).exitCode()).isEqualTo(2));
    }

    @Test
    void aCampaignsBackgroundLoadIsNotARun() throws Exception {
        Path side = temporary.resolve("A");
        ResultFolders.openLoop(side.resolve("run-1").resolve("load"), 800, 4100, 6000);
        ResultFolders.elections(side.resolve("run-1").resolve("chaos"), new double[] {200, 150},
                new double[] {210, 160});
        // The campaign's own load generator: latency under faults, beside elections.csv.
        ResultFolders.openLoop(side.resolve("run-1").resolve("chaos").resolve("load"), 9000, 400_000, 600_000);

        ResultSet set = ResultSet.read("A", side);

        assertThat(set.sample(set.configurations().stream().filter(c -> "OPEN_LOOP".equals(c.value("mode")))
                .findFirst().orElseThrow(), Metric.WRITE_P50_US)).containsExactly(800.0);
        assertThat(set.measurements()).allSatisfy(m -> assertThat(m.round()).isEqualTo("run-1"));
    }

    /** A kvnode load run since issue 19: the majority-write floor multiples and the CPU columns, one per process. */
    @Test
    void readsTheMajorityFloorMultiplesAndTheCpuPerWriteOfEveryProcess() throws Exception {
        Path run = temporary.resolve("sequential-writes");
        ResultFolders.peakRun(run, "kvnode", 1, 2000, 480, ResultFolders.COMMIT_A);
        List<String> lines = Files.readAllLines(run.resolve("summary.csv"));
        Files.writeString(run.resolve("summary.csv"), lines.get(0) + ",majority_floor_us,p50_over_majority_floor,"
                + "p99_over_majority_floor,cpu_us_per_write_total,cpu_us_per_write_node1,cpu_us_per_write_node2,"
                + "cpu_us_per_write_node10,cpu_us_per_write_generator,voluntary_switches_per_write_total,"
                + "voluntary_switches_per_write_node1,cpu_no_jit_us_per_write_total,cpu_no_jit_us_per_write_node1\n"
                + lines.get(1) + ",266.000,1.805,3.400,607.000,176.000,128.000,,70.000,25.500,6.000,580.000,170.000\n");
        Files.writeString(run.resolve("cpu.json"), "{\"cpuMicrosPerOperationAllListedProcesses\": 999.0}");

        Map<Metric, Double> values = values(RunResultsReader.read(run, "r1"));

        assertThat(values).containsEntry(Metric.WRITE_P50_OVER_MAJORITY_FLOOR, 1.805)
                .containsEntry(Metric.WRITE_P99_OVER_MAJORITY_FLOOR, 3.4)
                .containsEntry(Metric.CPU_US_PER_WRITE_TOTAL, 607.0)
                .containsEntry(Metric.cpuPerWrite("node1"), 176.0).containsEntry(Metric.cpuPerWrite("node2"), 128.0)
                .containsEntry(Metric.cpuPerWrite("generator"), 70.0)
                .containsEntry(Metric.VOLUNTARY_SWITCHES_PER_WRITE_TOTAL, 25.5)
                .containsEntry(Metric.voluntarySwitchesPerWrite("node1"), 6.0)
                .containsEntry(Metric.CPU_NO_JIT_US_PER_WRITE_TOTAL, 580.0)
                .containsEntry(Metric.cpuNoJitPerWrite("node1"), 170.0)
                .doesNotContainKey(Metric.cpuPerWrite("node10")) // an empty cell: not measured
                .doesNotContainKey(Metric.CPU_US_PER_OP); // cpu.json is read only for runs without the columns
        // One metric per name, ordered after its total, processes in natural order.
        assertThat(Metric.cpuPerWrite("node1")).isSameAs(Metric.cpuPerWrite("node1"));
        assertThat(values.keySet()).containsSubsequence(Metric.PEAK_THROUGHPUT_OPS_S, Metric.CPU_US_PER_WRITE_TOTAL,
                Metric.cpuPerWrite("generator"), Metric.cpuPerWrite("node1"), Metric.cpuPerWrite("node2"),
                Metric.VOLUNTARY_SWITCHES_PER_WRITE_TOTAL, Metric.voluntarySwitchesPerWrite("node1"));
        assertThat(Metric.cpuPerWrite("node2")).isLessThan(Metric.cpuPerWrite("node10"));
        assertThat(Metric.cpuPerWrite("node1").better()).isEqualTo(Metric.Better.LOWER);
        assertThat(Metric.cpuPerWrite("node1").columnName()).isEqualTo("cpu_us_per_write_node1");
    }

    @Test
    void aRunWithoutCpuColumnsStillGetsItsCpuJson() throws Exception {
        Path run = temporary.resolve("kvnode-peak-16-clients");
        ResultFolders.peakRun(run, "kvnode", 16, 12500.5, 900, ResultFolders.COMMIT_A);
        Files.writeString(run.resolve("cpu.json"), "{\"cpuMicrosPerOperationAllListedProcesses\": 129.0}");

        assertThat(values(RunResultsReader.read(run, "r1"))).containsEntry(Metric.CPU_US_PER_OP, 129.0)
                .doesNotContainKey(Metric.CPU_US_PER_WRITE_TOTAL);
    }

    @Test
    void runFoldersAreInNaturalOrder() {
        assertThat(ResultSet.compareNatural("run-2", "run-10")).isNegative();
        assertThat(ResultSet.compareNatural("run-10", "run-9")).isPositive();
        assertThat(ResultSet.compareNatural("run-01", "run-1")).isZero();
        assertThat(ResultSet.compareNatural("a", "b")).isNegative();
    }

    private static Map<Metric, Double> values(List<Measurement> measurements) {
        Map<Metric, Double> values = new TreeMap<>();
        measurements.forEach(measurement -> values.put(measurement.metric(), measurement.value()));
        return values;
    }
}
