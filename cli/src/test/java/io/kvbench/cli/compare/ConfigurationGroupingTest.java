package io.kvbench.cli.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of different configurations are never pooled: kvnode and etcd at 16 and 64 clients on both sides (as in
 * two reference reruns) give one row per configuration and metric, each from its own runs only.
 */
class ConfigurationGroupingTest {

    @TempDir
    Path temporary;

    /** Peak rates far apart per configuration, so any pooling would move a median out of its own range. */
    private static final Map<String, double[]> RATES = Map.of(
            "kvnode-16", new double[] {12000, 12100, 12200, 12300, 12400, 12500},
            "kvnode-64", new double[] {30000, 30100, 30200, 30300, 30400, 30500},
            "etcd-16", new double[] {1000, 1010, 1020, 1030, 1040, 1050},
            "etcd-64", new double[] {2500, 2510, 2520, 2530, 2540, 2550});

    @Test
    void kvnodeAndEtcdAt16And64ClientsAreFourConfigurationsNeverPooled() throws Exception {
        Path a = temporary.resolve("A");
        Path b = temporary.resolve("B");
        writeSide(a, ResultFolders.COMMIT_A, 1.0);
        writeSide(b, ResultFolders.COMMIT_B, 1.10);
        Path out = temporary.resolve("out");

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", out.toString(), "--no-plot");

        assertThat(run.exitCode()).as(run.errors()).isZero();
        String text = run.output();
        assertThat(text).contains("A: " + a + " (commit aaaaaaaaaaaa, 24 runs in 6 rounds)",
                "B: " + b + " (commit bbbbbbbbbbbb, 24 runs in 6 rounds)");
        // Four groups, in order: etcd before kvnode, 16 before 64.
        List<String> groups = text.lines().filter(line -> line.contains(" CLOSED_LOOP: ") && !line.startsWith("note:"))
                .toList();
        assertThat(groups).hasSize(4);
        assertThat(groups.get(0)).startsWith("etcd CLOSED_LOOP: clients=16 ");
        assertThat(groups.get(1)).startsWith("etcd CLOSED_LOOP: clients=64 ");
        assertThat(groups.get(2)).startsWith("kvnode CLOSED_LOOP: clients=16 ");
        assertThat(groups.get(3)).startsWith("kvnode CLOSED_LOOP: clients=64 ");
        // Each group's medians come from its own runs: B is 10 % faster everywhere, and significant.
        assertThat(peakLine(text, 0)).contains("1025 [1000, 1050]", "1128 [1100, 1155]", "+10.00% (better)", "6/6");
        assertThat(peakLine(text, 1)).contains("2525 [2500, 2550]", "2778 [2750, 2805]", "+10.00% (better)");
        assertThat(peakLine(text, 2)).contains("12250 [12000, 12500]", "13475 [13200, 13750]");
        assertThat(peakLine(text, 3)).contains("30250 [30000, 30500]", "33275 [33000, 33550]");
        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertThat(csv.get(0)).isEqualTo(String.join(",", CompareTable.CSV_COLUMNS));
        assertThat(csv.stream().filter(row -> row.contains(",peak_throughput_ops_s,"))).hasSize(4);
        // The configuration cell holds quotes (etcd's fsync mode): RFC 4180 doubles them inside a quoted cell.
        assertThat(csv).anySatisfy(row -> assertThat(row).startsWith("\"etcd CLOSED_LOOP: clients=64 connections=64 "
                        + "fsync=\"\"etcd default: WAL fdatasync")
                .contains(",peak_throughput_ops_s,higher,2525,2500,2550,2777.5,2750,2805,10,"));
        // Every value of compare-runs.csv is one run's, under its own configuration.
        List<String> runs = Files.readAllLines(out.resolve(RoundValuesCsv.FILE));
        assertThat(runs.get(0)).isEqualTo(String.join(",", RoundValuesCsv.COLUMNS));
        assertThat(runs.stream().filter(row -> row.contains(",peak_throughput_ops_s,"))).hasSize(4 * 6 * 2);
        assertThat(runs).anySatisfy(row -> assertThat(row).startsWith("A," + a + ",run-1,kvnode CLOSED_LOOP: clients=64 ")
                .contains(",peak_throughput_ops_s,higher,30000," + a.resolve("run-1/kvnode-peak-64/summary.csv")));
    }

    @Test
    void aConfigurationOnOneSideOnlyIsListedNotCompared() throws Exception {
        Path a = temporary.resolve("A");
        Path b = temporary.resolve("B");
        writeSide(a, ResultFolders.COMMIT_A, 1.0);
        writeSide(b, ResultFolders.COMMIT_B, 1.0);
        for (int round = 1; round <= 6; round++) {
            deleteFolder(b.resolve("run-" + round).resolve("etcd-peak-64"));
        }

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", temporary.resolve("out").toString(),
                "--no-plot");

        assertThat(run.exitCode()).as(run.errors()).isZero();
        assertThat(run.output().lines().filter(line -> line.contains(" CLOSED_LOOP: ") && !line.startsWith("note:")))
                .hasSize(3);
        assertThat(run.output()).contains("note: only in A (not compared): etcd CLOSED_LOOP: clients=64 ");
    }

    @Test
    void anExperimentRunWithDifferentSettingsIsAnErrorUnlessTheKeyIsIgnored() throws Exception {
        Path a = temporary.resolve("A");
        Path b = temporary.resolve("B");
        for (int round = 1; round <= 6; round++) {
            ResultFolders.campaign(a.resolve("run-" + round).resolve("chaos"), 50, new double[] {200 + round, 210},
                    new double[] {220 + round, 230}, ResultFolders.COMMIT_A, Map.of());
            ResultFolders.campaign(b.resolve("run-" + round).resolve("chaos"), 30, new double[] {20 + round, 21},
                    new double[] {22 + round, 23}, ResultFolders.COMMIT_A, Map.of());
        }
        Path out = temporary.resolve("out");

        CommandRun refused = CommandRun.of(a.toString(), b.toString(), "--out", out.toString(), "--no-plot");
        CommandRun ignored = CommandRun.of(a.toString(), b.toString(), "--out", out.toString(), "--no-plot",
                "--ignore", "heartbeatMillis");

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errors()).hasLineCount(1).contains("kvnode chaos kill-leader: heartbeatMillis 50 in A, 30 in B",
                "--ignore heartbeatMillis");
        assertThat(ignored.exitCode()).as(ignored.errors()).isZero();
        assertThat(ignored.output()).contains("kvnode chaos kill-leader: clusterSize=3", "heartbeatMillis=50 vs 30");
        String election = ignored.output().lines().filter(line -> line.strip().startsWith("election_p50_ms "))
                .findFirst().orElseThrow();
        assertThat(election).contains("(better)");
    }

    @Test
    void aKeyOnlyNewerRunsRecordIsNamedAndCanBeIgnored() throws Exception {
        Path a = temporary.resolve("A");
        Path b = temporary.resolve("B");
        for (int round = 1; round <= 4; round++) {
            ResultFolders.campaign(a.resolve("run-" + round), 50, new double[] {20, 21}, new double[] {22, 23},
                    ResultFolders.COMMIT_A, Map.of());
            ResultFolders.campaign(b.resolve("run-" + round), 50, new double[] {20, 21}, new double[] {22, 23},
                    ResultFolders.COMMIT_B, Map.of("probeIntervalMillis", 5));
        }

        CommandRun refused = CommandRun.of(a.toString(), b.toString(), "--out", temporary.resolve("o").toString(),
                "--no-plot");
        CommandRun ignored = CommandRun.of(a.toString(), b.toString(), "--out", temporary.resolve("o").toString(),
                "--no-plot", "--ignore", "probeIntervalMillis");

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.errors()).contains("probeIntervalMillis (not recorded) in A, 5 in B",
                "runs made before it was recorded", "--ignore probeIntervalMillis");
        assertThat(ignored.exitCode()).as(ignored.errors()).isZero();
        assertThat(ignored.output()).contains("probeIntervalMillis=(not-recorded) vs 5");
        assertThat(ignored.output().lines().filter(line -> line.strip().startsWith("unavailability_p50_ms ")))
                .singleElement().asString().contains(" ~ ");
    }

    @Test
    void ignoringAKeyNeverPoolsTwoConfigurationsOfOneSide() throws Exception {
        Path a = temporary.resolve("A");
        Path b = temporary.resolve("B");
        writeSide(a, ResultFolders.COMMIT_A, 1.0);
        writeSide(b, ResultFolders.COMMIT_B, 1.0);

        CommandRun run = CommandRun.of(a.toString(), b.toString(), "--out", temporary.resolve("o").toString(),
                "--no-plot", "--ignore", "clients,connections");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errors()).contains("would pool two of A's configurations", "never pooled");
    }

    /** Six rounds; each has kvnode and etcd peak runs at 16 and 64 clients, rates scaled by {@code factor}. */
    private static void writeSide(Path side, String commit, double factor) throws Exception {
        for (int round = 1; round <= 6; round++) {
            Path folder = side.resolve("run-" + round);
            for (String target : List.of("kvnode", "etcd")) {
                for (int clients : new int[] {16, 64}) {
                    double rate = RATES.get(target + "-" + clients)[round - 1] * factor;
                    ResultFolders.peakRun(folder.resolve(target + "-peak-" + clients), target, clients, rate,
                            target.equals("kvnode") ? 900 : 9000, commit);
                }
            }
        }
    }

    private static String peakLine(String text, int group) {
        return text.lines().filter(line -> line.strip().startsWith("peak_throughput_ops_s ")).skip(group).findFirst()
                .orElseThrow();
    }

    private static void deleteFolder(Path folder) throws Exception {
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
