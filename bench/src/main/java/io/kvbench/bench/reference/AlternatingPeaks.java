package io.kvbench.bench.reference;

import io.kvbench.bench.etcd.EtcdCluster;
import io.kvbench.bench.etcd.EtcdClusterSpec;
import io.kvbench.bench.etcd.EtcdTarget;
import io.kvbench.bench.floor.Floor;
import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.load.LoadGenerator;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.target.KvnodeTarget;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * kvnode against etcd at peak (16 and 64 closed-loop clients), alternated round by round (ABBA: kvnode
 * first in odd rounds, etcd first in even ones) so that a shared machine's changing load falls on both, and
 * the throughput ratio is taken within each round, beside a floor measured at the start of that round.
 * Writes {@code <output>/peak-alternating/rounds.csv}: one line per round, system and client count.
 */
final class AlternatingPeaks {
    private static final int[] CLIENTS = {16, 64};
    private static final int WARM_UP_SECONDS = 8;

    static final String[] ROUNDS_HEADER = {"round", "system", "clients", "achieved_rate", "p50_us", "p99_us", "errors",
            "timeouts", "floor_fsync_p50_us", "floor_rtt_p50_us"};

    private final ReferenceRuns runs;
    private final List<List<Object>> rows = new ArrayList<>();

    AlternatingPeaks(ReferenceRuns runs) {
        this.runs = runs;
    }

    void run(int rounds) throws Exception {
        for (int round = 1; round <= rounds; round++) {
            FloorResult floor = Floor.measure(runs.dataDirectory, 1000);
            if (round % 2 == 1) {
                runKvnode(round, floor);
                runEtcd(round, floor);
            } else {
                runEtcd(round, floor);
                runKvnode(round, floor);
            }
        }
        Path directory = runs.output.resolve("peak-alternating");
        Files.createDirectories(directory);
        writeRounds(directory.resolve("rounds.csv"), rows);
        ReferenceRuns.log("alternating peaks: " + directory.resolve("rounds.csv").toAbsolutePath());
    }

    private void runKvnode(int round, FloorResult floor) throws Exception {
        Path clusterDirectory = runs.dataDirectory.resolve("kvnode-round-" + round);
        try (ReferenceRuns.KvnodeCluster cluster = runs.startKvnode(clusterDirectory, "always")) {
            try (KvnodeTarget target = new KvnodeTarget(cluster.clientAddresses(), 16, 4, ReferenceRuns.OPERATION_TIMEOUT)) {
                target.open();
                warmUp(target, "round-" + round + "-kvnode-jit-warm-up");
            }
            for (int clients : CLIENTS) {
                LoadSpec spec = ReferenceRuns.closedLoop(runs.baseSpec(), clients);
                int connections = Math.min(clients, ReferenceRuns.MAX_KVNODE_CONNECTIONS);
                try (KvnodeTarget target = new KvnodeTarget(cluster.clientAddresses(), connections,
                        (clients + connections - 1) / connections, ReferenceRuns.OPERATION_TIMEOUT)) {
                    target.open();
                    record(round, "kvnode", clients, floor, LoadGenerator.run(spec, target,
                            runs.rawOutput.resolve("round-" + round + "-kvnode-" + clients), floor));
                }
            }
        }
        ReferenceRuns.deleteRecursively(clusterDirectory);
    }

    private void runEtcd(int round, FloorResult floor) throws Exception {
        Path clusterDirectory = runs.dataDirectory.resolve("etcd-round-" + round);
        try (EtcdCluster etcd = EtcdCluster.start(EtcdClusterSpec.threeMembers(), clusterDirectory)) {
            try (EtcdTarget target = new EtcdTarget(etcd.clientUrls(), 22, ReferenceRuns.OPERATION_TIMEOUT, ReferenceRuns.OPERATION_TIMEOUT, EtcdTarget.DEFAULT_UNHEALTHY_BACKOFF)) {
                target.open();
                warmUp(target, "round-" + round + "-etcd-warm-up");
            }
            for (int clients : CLIENTS) {
                LoadSpec spec = ReferenceRuns.closedLoop(runs.baseSpec(), clients);
                int perEndpoint = (clients + etcd.memberCount() - 1) / etcd.memberCount();
                try (EtcdTarget target = new EtcdTarget(etcd.clientUrls(), perEndpoint, ReferenceRuns.OPERATION_TIMEOUT, ReferenceRuns.OPERATION_TIMEOUT, EtcdTarget.DEFAULT_UNHEALTHY_BACKOFF)) {
                    target.open();
                    record(round, "etcd", clients, floor, LoadGenerator.run(spec, target,
                            runs.rawOutput.resolve("round-" + round + "-etcd-" + clients), floor));
                }
            }
        }
        ReferenceRuns.deleteRecursively(clusterDirectory);
    }

    /**
     * A fresh cluster's first seconds run interpreted code (kvnode's JVMs, and the generator's client path):
     * 64 clients for {@link #WARM_UP_SECONDS} s, not recorded, before anything is measured. etcd gets the same
     * so both start from a loaded, steady state.
     */
    private void warmUp(io.kvbench.bench.target.Target target, String name) throws Exception {
        LoadSpec spec = ReferenceRuns.closedLoop(runs.baseSpec().duration(java.time.Duration.ofSeconds(WARM_UP_SECONDS))
                .warmup(java.time.Duration.ZERO), 64);
        LoadGenerator.run(spec, target, runs.rawOutput.resolve(name));
    }

    private void record(int round, String system, int clients, FloorResult floor, LoadSummary summary) {
        rows.add(List.of(round, system, clients, oneDecimal(summary.achievedRatePerSecond()), summary.latencyMicrosP50(),
                summary.latencyMicrosP99(), summary.errors(), summary.timeouts(), oneDecimal(floor.fsyncMicrosP50()),
                oneDecimal(floor.roundTripMicrosP50())));
        ReferenceRuns.log("round " + round + " " + system + " " + clients + " clients: "
                + Math.round(summary.achievedRatePerSecond()) + " ops/s, p50 " + summary.latencyMicrosP50()
                + " us, p99 " + summary.latencyMicrosP99() + " us");
    }

    static void writeRounds(Path file, List<List<Object>> rows) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter printer = CSVFormat.DEFAULT.builder().setHeader(ROUNDS_HEADER).setRecordSeparator("\n").get()
                        .print(writer)) {
            printer.printRecords(rows);
        }
    }

    private static String oneDecimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
