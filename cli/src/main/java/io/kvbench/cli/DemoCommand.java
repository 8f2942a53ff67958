package io.kvbench.cli;

import io.kvbench.net.OptionRange;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kvbench.bench.floor.Floor;
import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.floor.MajorityWriteSkeleton;
import io.kvbench.bench.kvnode.NodeJit;
import io.kvbench.bench.kvnode.NodeLatencyReport;
import io.kvbench.bench.load.LoadMode;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.load.OperationMix;
import io.kvbench.bench.proc.CpuCost;
import io.kvbench.bench.proc.MeasuredProcesses;
import io.kvbench.bench.target.KvnodeTarget;
import io.kvbench.chaos.campaign.Campaign;
import io.kvbench.chaos.campaign.CampaignResult;
import io.kvbench.chaos.campaign.CheckerResult;
import io.kvbench.chaos.campaign.CampaignSpec;
import io.kvbench.chaos.campaign.FaultKind;
import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.node.local.LocalClusterSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code kvbench demo}: the main job on an embedded default, for a new user. A local 3-node cluster, the
 * machine's floor, a steady open-loop load, then load with the leader killed again and again; the charts and
 * a summary table, all under results/.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show kvbench at work: a local 3-node cluster, a steady load, then ~30 s of load with leader kills.",
                "Election CDF, latency charts, a summary table and report.html under results/<version>/demo/<time>/."})
public final class DemoCommand implements Callable<Integer> {
    @OptionRange(min = 1, max = 1_000)
    @Option(names = "--kills", defaultValue = "12", description = "Leader kills during the chaos part (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--out", description = "Output folder (default: results/<version>/demo/<time>/).")
    Path output;

    @Override
    public Integer call() throws Exception {
        RunFolder folder = RunFolder.create(output, "demo");
        return folder.run(() -> demo(folder.path()));
    }

    private int demo(Path out) throws Exception {
        System.out.println("kvbench demo -> " + out);
        System.out.println("[1/5] starting a local 3-node kvnode cluster (fsync always, election timeout 150-300 ms, heartbeat 50 ms)");
        try (LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().build(), out.resolve("cluster"))) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30)).nodeId();
            System.out.println("      leader: node " + leader);

            System.out.println("[2/5] measuring the machine's floor (fsync of the data directory, loopback round trip)");
            FloorResult floor = Floor.measure(cluster.runDirectory(), 1000);

            System.out.println("[3/5] steady load: 8 s open loop at 500 writes/s (5 s warm-up: fresh JVMs compile the hot path)");
            LoadSpec steadySpec = LoadSpec.builder().mode(LoadMode.OPEN_LOOP).targetRatePerSecond(500)
                    .duration(Duration.ofSeconds(8)).warmup(Duration.ofSeconds(5)).connections(2).inFlightLimit(64)
                    .keyCount(1000).valueSizeBytes(100).mix(OperationMix.writesOnly()).seed(1)
                    .operationTimeout(Duration.ofSeconds(10)).build();
            Path steadyDirectory = out.resolve("steady");
            Files.createDirectories(steadyDirectory);
            List<InetSocketAddress> nodes = new ArrayList<>(cluster.clientAddresses().values());
            ArrayNode statusesBefore = LoadCommand.readStatuses(nodes);
            AtomicReference<ArrayNode> statusesAtMeasureStart = new AtomicReference<>();
            LoadSummary steady = LoadCommand.run(steadySpec, new KvnodeTarget(nodes, 2, 64, Duration.ofSeconds(10)),
                    steadyDirectory, floor,
                    statusesBefore == null ? null : () -> statusesAtMeasureStart.set(LoadCommand.readStatuses(nodes)), true,
                    CostLines.processes(cluster));
            ArrayNode statusesAfter = statusesBefore != null ? LoadCommand.readStatuses(nodes) : null;
            NodeLatencyReport inside = null; // null: the table goes without its in-node rows
            if (statusesAfter != null) {
                if (statusesAtMeasureStart.get() != null) {
                    inside = LoadCommand.reportNodeLatencies(statusesAtMeasureStart.get(), statusesAfter, steadyDirectory);
                }
                LoadCommand.reportNodeJit(steadySpec, NodeJit.fromStatuses(statusesBefore), NodeJit.fromStatuses(statusesAfter));
            }

            System.out.println("[4/5] chaos: " + kills + " leader kills (kill -9) under load, every operation recorded and checked");
            CampaignSpec chaosSpec = CampaignSpec.builder().runId("demo").gitSha(Git.sha(Home.directory()))
                    .fault(FaultKind.KILL_LEADER).trials(kills).trialInterval(Duration.ofMillis(2500)).build();
            CampaignResult chaos = Campaign.run(chaosSpec, cluster, out.resolve("chaos"), ChaosProgressLine.onStderr());

            System.out.println("[5/5] drawing charts");
            PlotCommand.run(List.of("all", out.toString()));

            String table = summaryTable(floor, steady, inside, CostLines.leaderNodeId(statusesAfter), chaos);
            Files.writeString(out.resolve("summary.txt"), table, StandardCharsets.UTF_8);
            System.out.println();
            System.out.print(table);
            ReportCommand.writeFor(out);
            System.out.println("results and charts: " + out);
            boolean ok = steady.errors() + steady.timeouts() == 0 && chaos.passed();
            return ok ? KvbenchMain.EXIT_OK : KvbenchMain.EXIT_CHECK_FAILED;
        }
    }

    static String summaryTable(FloorResult floor, LoadSummary steady, NodeLatencyReport inside, Integer leaderNodeId,
            CampaignResult chaos) {
        double floorMicros = floor.majorityWriteFloorMicros();
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-44s %s%n", "measure", "value"));
        table.append(String.format(Locale.ROOT, "%-44s %.0f us (2 x rtt p50 %.0f + fsync of %d at once p50 %.0f; %s)%n",
                "floor of a majority write", floorMicros, floor.roundTripMicrosP50(), floor.clusterSize(),
                floor.contendedFsyncMicrosP50(), CostLines.FLOOR_TIMING));
        table.append(String.format(Locale.ROOT, "%-44s %.0f us (2 x rtt p99 + contended fsync p99)%n", "  its p99 counterpart",
                floor.majorityWriteFloorMicrosP99()));
        table.append(String.format(Locale.ROOT, "%-44s %.0f us (fsync p50 %.0f + rtt p50 %.0f)%n", "  single-fsync floor",
                floor.singleFsyncFloorMicros(), floor.fsyncMicrosP50(), floor.roundTripMicrosP50()));
        table.append(String.format(Locale.ROOT, "%-44s %.0f ops/s, %d errors, %d timeouts%n", "steady writes (open loop, 500/s target)",
                steady.achievedRatePerSecond(), steady.errors(), steady.timeouts()));
        table.append(String.format(Locale.ROOT, "%-44s %d us (%.1fx floor)%n", "steady write latency p50", steady.latencyMicrosP50(),
                steady.latencyMicrosP50() / floorMicros));
        table.append(String.format(Locale.ROOT, "%-44s %d us (%.1fx floor, %.1fx its p99 counterpart)%n", "steady write latency p99",
                steady.latencyMicrosP99(), steady.latencyMicrosP99() / floorMicros,
                steady.latencyMicrosP99() / floor.majorityWriteFloorMicrosP99()));
        if (inside != null) {
            for (String row : insideRows(inside)) table.append(row);
        }
        if (steady.cpu() != null) {
            for (String row : cpuRows(steady.cpu(), leaderNodeId)) table.append(row);
        }
        for (MajorityWriteSkeleton.Result skeleton : floor.skeletons()) {
            if (skeleton.inFlight() != 1) continue; // the steady step's writes arrive alone
            table.append(String.format(Locale.ROOT, "%-44s %.0f us (leader %.0f, follower %.0f, client %.0f)%n",
                    skeleton.placement() == MajorityWriteSkeleton.FsyncPlacement.EVENT_LOOP
                            ? "CPU floor per write (no Raft, fsync on loop)" : "  same, fsync on a WAL thread",
                    skeleton.totalCpuMicrosPerWrite(), skeleton.leaderCpuMicrosPerWrite(),
                    skeleton.followerCpuMicrosPerWrite(), skeleton.clientCpuMicrosPerWrite()));
        }
        table.append(String.format(Locale.ROOT, "%-44s %s%n", "chaos target", chaos.targetLabel()));
        table.append(String.format(Locale.ROOT, "%-44s %.1f / %.1f / %.1f ms (n=%d)%n", "election, kill to new leader p50/p99/max",
                chaos.election().p50Millis(), chaos.election().p99Millis(), chaos.election().maxMillis(), chaos.election().trials()));
        table.append(String.format(Locale.ROOT, "%-44s %.1f / %.1f / %.1f ms (n=%d)%n", "unavailability, kill to first ack p50/p99/max",
                chaos.unavailability().p50Millis(), chaos.unavailability().p99Millis(), chaos.unavailability().maxMillis(),
                chaos.unavailability().trials()));
        table.append(String.format(Locale.ROOT, "%-44s %d/%d%n", "trials recovered", chaos.trials().stream().filter(t -> t.recovered()).count(),
                chaos.trials().size()));
        table.append(String.format(Locale.ROOT, "%-44s %s (%d acknowledged writes checked)%n", "safety verdict", chaos.verdict().describe()
                .lines().findFirst().orElse(""), chaos.acknowledgedWrites()));
        for (CheckerResult checker : chaos.checkers()) {
            table.append(String.format(Locale.ROOT, "%-44s %s (%s)%n", "  " + checker.title(), checker.result(), checker.details()));
        }
        return table.toString();
    }

    /** CPU per acknowledged write of the steady step, each process's and all together (its split: steady/cpu.csv). */
    static List<String> cpuRows(CpuCost cpu, Integer leaderNodeId) {
        List<String> rows = new ArrayList<>();
        if (cpu.operations() == 0) return rows;
        cpu.totalMicrosPerOperation().ifPresent(total -> rows.add(String.format(Locale.ROOT,
                "%-44s %.0f us (%.0f without JIT compiling), %.1f voluntary context switches%n", "steady CPU per write, all processes",
                total, cpu.totalMicrosPerOperationWithoutJit().getAsDouble(), cpu.totalVoluntarySwitchesPerOperation().getAsDouble())));
        for (CpuCost.ProcessCost process : cpu.processes()) {
            boolean leader = leaderNodeId != null && process.name().equals(MeasuredProcesses.node(leaderNodeId));
            rows.add(String.format(Locale.ROOT, "%-44s %.0f us, %.1f voluntary context switches%n",
                    "  " + process.name() + (leader ? " (leader at the end)" : ""), cpu.microsPerOperation(process.usage().cpuTicks()),
                    cpu.perOperation(process.usage().voluntarySwitches())));
        }
        return rows;
    }

    /**
     * The steady step's split, from the nodes' own histograms: how much of a write the leader held, and what the disk
     * took (the slowest node's WAL commits, as the three share one disk). The max matters: one stalled commit holds
     * every write queued behind it, so a 270 ms fsync can make the writes' p99 while the commits' p99 stays at 1 ms.
     */
    static List<String> insideRows(NodeLatencyReport inside) {
        List<String> rows = new ArrayList<>();
        inside.leaderWrites().ifPresent(leader -> rows.add(String.format(Locale.ROOT, "%-44s %d / %d us (node %d)%n",
                "  of which inside the leader p50/p99", leader.p50Micros(), leader.p99Micros(), leader.nodeId())));
        inside.walCommits().stream().filter(node -> node.count() > 0)
                .max(java.util.Comparator.comparingLong(NodeLatencyReport.Span::maxMicros))
                .ifPresent(slowest -> rows.add(String.format(Locale.ROOT, "%-44s %d / %d / %d us (node %d)%n",
                        "  WAL commit p50/p99/max, slowest node", slowest.p50Micros(), slowest.p99Micros(),
                        slowest.maxMicros(), slowest.nodeId())));
        return rows;
    }
}
