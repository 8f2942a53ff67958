package io.kvbench.cli;

import io.kvbench.kv.KvLimits;
import io.kvbench.net.OptionRange;
import io.kvbench.bench.etcd.EtcdTarget;
import io.kvbench.bench.floor.Floor;
import io.kvbench.bench.floor.FloorResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.bench.kvnode.NodeJit;
import io.kvbench.bench.kvnode.NodeLatencyReport;
import io.kvbench.bench.kvnode.NodeStatuses;
import io.kvbench.bench.kvnode.NodeWritePath;
import io.kvbench.bench.load.KeyDistribution;
import io.kvbench.bench.load.LoadGenerator;
import io.kvbench.bench.load.LoadMode;
import io.kvbench.bench.load.LoadPacing;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.load.OperationMix;
import io.kvbench.bench.proc.MeasuredProcesses;
import io.kvbench.bench.target.KvnodeTarget;
import io.kvbench.bench.target.Target;
import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.client.cli.ClusterOptions;
import io.kvbench.node.KvNodeMain;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeJvmOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code kvbench load}: the open-loop load generator (wrk2's model) or a closed loop for peak throughput,
 * against kvnode or etcd. Without {@code --nodes} it starts a local 3-node kvnode cluster for the run.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Drive a target at a constant rate (open loop) or as fast as N clients can (closed loop).",
                "Open-loop latency runs from the intended send time (no coordinated omission).",
                "Reports latency as multiples of the machine's majority-write floor (measured first, nodes idle) and the CPU",
                "per acknowledged write of each node process and of the generator over the measured span (a local cluster's;",
                "with --nodes or etcd only the generator's: the nodes' processes are not known here).",
                "Writes summary.csv, cpu.csv, latency.hgrm, service.hgrm, latency.hlog, timeseries.csv, run.json, charts and report.html."})
public final class LoadCommand implements Callable<Integer> {
    @Option(names = "--target", defaultValue = "kvnode", description = "kvnode or etcd (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--nodes", split = ",", paramLabel = "HOST:PORT[,HOST:PORT...]", hideParamSyntax = true,
            converter = ClusterOptions.NodeAddressConverter.class,
            description = "kvnode client addresses, comma-separated; without it a local 3-node cluster is started.")
    List<InetSocketAddress> nodes;

    @Option(names = "--etcd-endpoints", split = ",", paramLabel = "URL[,URL...]", hideParamSyntax = true,
            description = "etcd client URLs, comma-separated, e.g. http://127.0.0.1:2379 (required for --target etcd).")
    List<URI> etcdEndpoints;

    @Option(names = "--mode", defaultValue = "open", description = "open (constant rate) or closed (peak) (default: ${DEFAULT-VALUE}).")
    String mode;

    @OptionRange(min = 0, minExclusive = true, max = 10_000_000)
    @Option(names = "--rate", defaultValue = "1000", description = "Target operations per second, open loop (default: ${DEFAULT-VALUE}).")
    double rate;

    @OptionRange(min = 1, max = 86_400)
    @Option(names = "--duration-s", defaultValue = "10", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @OptionRange(min = 0, max = 3_600)
    @Option(names = "--warmup-s", defaultValue = "2", description = "Seconds before measuring, left out of every file (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @OptionRange(min = 1, max = 10_000)
    @Option(names = "--connections", defaultValue = "4", description = "Client connections (kvnode: sessions) (default: ${DEFAULT-VALUE}).")
    int connections;

    @OptionRange(min = 1, max = 1_000_000)
    @Option(names = "--in-flight", defaultValue = "64", description = "Operations in flight at most; closed loop: the number of clients (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @OptionRange(min = 1)
    @Option(names = "--keys", defaultValue = "10000", description = "Key space (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--distribution", defaultValue = "uniform", description = "uniform or zipfian (default: ${DEFAULT-VALUE}).")
    String distribution;

    @OptionRange(min = 0, minExclusive = true, max = 0.999_999)
    @Option(names = "--theta", defaultValue = "0.99", description = "Zipfian skew (default: ${DEFAULT-VALUE}).")
    double theta;

    @OptionRange(min = 0, max = KvLimits.MAX_VALUE_BYTES, why = "the node's value limit, 1 MiB")
    @Option(names = "--value-size", defaultValue = "100", description = "Bytes per value (default: ${DEFAULT-VALUE}).")
    int valueSize;

    @OptionRange(min = 0, max = 100)
    @Option(names = "--mix", defaultValue = "0,100,0", split = ",", paramLabel = "READ,WRITE,CAS", hideParamSyntax = true,
            description = "Percentages of reads, writes and compare-and-swaps (default: ${DEFAULT-VALUE}).")
    List<Integer> mix;

    @OptionRange(min = Long.MIN_VALUE, max = Long.MAX_VALUE)
    @Option(names = "--seed", defaultValue = "1", description = "Seeds the keys, operation kinds and values chosen (default: ${DEFAULT-VALUE}).")
    long seed;

    @OptionRange(min = 1, max = 3_600_000)
    @Option(names = "--timeout-ms", defaultValue = "10000", description = "Per-operation deadline, retries included (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(names = "--pacing", defaultValue = "event-loop",
            description = "Which thread paces and sends: event-loop (the client's own I/O thread, on timers, as wrk2) or "
                    + "threads (a sender thread of the generator's, handing each request to that loop). Latency runs "
                    + "from the intended time either way (default: ${DEFAULT-VALUE}).")
    String pacing;

    @Option(names = "--fsync", defaultValue = "always", description = "For the local cluster: always or none (default: ${DEFAULT-VALUE}).")
    String fsync;

    @Option(names = "--node-arg", paramLabel = "OPTION",
            description = "For the local cluster: one more `kvnode run` option for every node, as --node-arg=--tick-ms=5 "
                    + "(repeatable; one that names an option the cluster sets replaces it). Checked as kvnode run checks "
                    + "it before anything starts; recorded in run.json. For A/B runs of the node's switches from one jar.")
    List<String> nodeArguments = new ArrayList<>();

    @Option(names = "--node-jvm-opts", paramLabel = "OPTIONS",
            description = "For the local cluster: each node's JVM options, one string (default: " + NodeJvmOptions.THROUGHPUT + ").")
    String nodeJvmOptions;

    @Option(names = "--no-floor", description = "Skip measuring the machine's floor (fsync alone and by every node at once,"
            + " loopback RTT) in the same run.")
    boolean noFloor;

    @Option(names = "--out", description = "Output folder (default: results/<version>/load-<target>-<mode>/<time>/).")
    Path output;

    @Option(names = "--no-plot", description = "Do not draw charts (latency over time, latency spectrum).")
    boolean noPlot;

    @Option(names = {"-q", "--quiet"}, description = "No progress line on stderr every second (elapsed, ETA, rate, interval p99).")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        LoadSpec spec = spec();
        RunFolder folder = RunFolder.create(output, "load-" + target + "-" + mode);
        return folder.run(() -> measure(spec, folder.path()));
    }

    private int measure(LoadSpec spec, Path out) throws Exception {
        LocalKvCluster localCluster = null;
        try {
            List<InetSocketAddress> addresses = List.of();
            MeasuredProcesses processes;
            if (target.equals("kvnode")) {
                if (nodes != null) {
                    addresses = nodes;
                    processes = MeasuredProcesses.generatorOnly(processNames("node", nodes.size()),
                            "--nodes given: their processes are not known to this command");
                } else {
                    localCluster = LocalKvCluster.start(localClusterSpec(), out.resolve("cluster"));
                    localCluster.awaitLeader(Duration.ofSeconds(30));
                    addresses = new ArrayList<>(localCluster.clientAddresses().values());
                    processes = CostLines.processes(localCluster);
                }
            } else {
                processes = MeasuredProcesses.generatorOnly(processNames("etcd", etcdEndpoints == null ? 0 : etcdEndpoints.size()),
                        "etcd endpoints given: their processes are not known to this command");
            }
            int clusterSize = processes.names().size() - 1;
            FloorResult floor = noFloor ? null
                    : Floor.measure(localCluster != null ? localCluster.runDirectory() : out, 1000, Math.max(1, clusterSize));
            ArrayNode statusesBefore = target.equals("kvnode") ? readStatuses(addresses) : null;
            AtomicReference<ArrayNode> statusesAtMeasureStart = new AtomicReference<>();
            List<InetSocketAddress> nodeAddresses = addresses;
            LoadSummary summary = run(spec, target(addresses), out, floor,
                    statusesBefore == null ? null : () -> statusesAtMeasureStart.set(readStatuses(nodeAddresses)), !quiet,
                    processes);
            ArrayNode statusesAfter = statusesBefore != null ? readStatuses(addresses) : null;
            if (localCluster != null) recordLocalCluster(out.resolve("run.json"));
            print(summary, localCluster != null ? "the local cluster's data directory" : "this command's output folder"
                    + " (not the nodes' disks: for nodes elsewhere, kvbench floor on each host)", CostLines.leaderNodeId(statusesAfter),
                    CostLines.RunShape.of(spec));
            if (statusesAfter != null && statusesAtMeasureStart.get() != null) {
                reportWritePath(statusesAtMeasureStart.get(), statusesAfter, summary.count() - summary.errors(), out);
            }
            if (statusesAfter != null
                    && reportNodes(spec, statusesBefore, statusesAtMeasureStart.get(), statusesAfter, out)) {
                System.out.println("for steady-state figures give a fresh cluster a longer --warmup-s, or load it first");
            }
            if (!noPlot) PlotCommand.run(List.of("all", out.toString()));
            ReportCommand.writeFor(out);
            return summary.errors() + summary.timeouts() == 0 ? KvbenchMain.EXIT_OK : KvbenchMain.EXIT_CHECK_FAILED;
        } finally {
            if (localCluster != null) localCluster.close();
        }
    }

    /**
     * Opens the target, runs the load (with {@code atMeasureStart}, if not null, run when warm-up ends; the CPU of
     * {@code processes}, if not null, measured over the measured span), closes the target; {@code progress} false:
     * no line every second.
     */
    static LoadSummary run(LoadSpec spec, Target target, Path out, FloorResult floor, Runnable atMeasureStart, boolean progress,
            MeasuredProcesses processes) throws Exception {
        target.open();
        try {
            return LoadGenerator.run(spec, target, out, floor, atMeasureStart, progress, processes);
        } finally {
            target.close();
        }
    }

    private String nodeJvmOptions() {
        return nodeJvmOptions != null ? nodeJvmOptions : NodeJvmOptions.THROUGHPUT;
    }

    /** run.json's {@code localCluster}: the options the command gave every node of the cluster it started. */
    private void recordLocalCluster(Path runJson) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode info = (ObjectNode) json.readTree(runJson.toFile());
        ObjectNode cluster = info.putObject("localCluster");
        cluster.putPOJO("nodeArguments", nodeArguments);
        cluster.put("nodeJvmOptions", nodeJvmOptions());
        json.writerWithDefaultPrettyPrinter().writeValue(runJson.toFile(), info);
    }

    /** {@code prefix1} to {@code prefix<count>}: the names of processes whose pids are not known. */
    private static List<String> processNames(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int index = 1; index <= count; index++) names.add(prefix + index);
        return names;
    }

    /**
     * The run's figures on stdout: rate, latency, the floors and the latency over them ({@code floorWhere}: whose
     * disk the floor measured), CPU per write ({@code leaderNodeId}, if known, is marked).
     */
    /**
     * The cluster a load run starts: without the nodes' write audit, which the chaos campaigns need and a load run
     * does not. The audit keeps every (client, seq) ever applied in a map and writes it into every snapshot, so with it
     * a load run measured the audit too (a follower at 64 clients spent a third of its Java samples in it) and, at
     * 25,000 writes a second, grew the nodes' heaps without bound. {@code --node-arg=--audit-writes} turns it on.
     */
    LocalClusterSpec localClusterSpec() {
        return LocalClusterSpec.builder().fsync(fsync).auditWrites(false).jvmOptions(nodeJvmOptions())
                .extraNodeArguments(nodeArguments).build();
    }

    static void print(LoadSummary summary, String floorWhere, Integer leaderNodeId, CostLines.RunShape runShape) {
        System.out.printf("%s %s: achieved %.0f ops/s, %d ok, %d errors, %d timeouts%n", summary.targetName(), summary.mode(),
                summary.achievedRatePerSecond(), summary.count(), summary.errors(), summary.timeouts());
        System.out.printf("latency from intended send: p50 %d us, p99 %d us, max %d us%n", summary.latencyMicrosP50(),
                summary.latencyMicrosP99(), summary.latencyMicrosMax());
        summary.optionalFloor().ifPresent(floor -> CostLines.floorLines(floor, summary, floorWhere).forEach(System.out::println));
        summary.optionalCpu().ifPresent(cpu -> CostLines.cpuLines(cpu, leaderNodeId).forEach(System.out::println));
        summary.optionalFloor().ifPresent(floor -> CostLines.cpuFloorLines(floor, summary.cpu(), leaderNodeId, runShape)
                .forEach(System.out::println));
        if (summary.saturated()) System.out.println(summary.saturationMessage());
        System.out.println("results: " + summary.outputDirectory());
    }

    /**
     * A fresh node's JIT keeps compiling for 20 s or more of load on 2 cores: say how much the busiest node compiled
     * during this run, and warn above 2 % of the run's duration (returns whether it warned), so a reader knows the figures include the target's own
     * warm-up (the reference runs wait for quiet first: bench's JitWarmup). The total is summed over the node's
     * compiler threads, so the warning errs on the side of warning.
     */
    static boolean reportNodeJit(LoadSpec spec, long[] before, long[] after) {
        if (Arrays.stream(before).allMatch(total -> total < 0)) return false; // nodes that do not report it
        long grownMillis = NodeJit.largestGrowthMillis(before, after);
        long runMillis = spec.warmup().plus(spec.duration()).toMillis();
        System.out.printf("target JIT: the busiest node's compile time grew by %d ms (summed over its compiler threads)"
                + " during the run's %d ms%n", grownMillis, runMillis);
        boolean stillCompiling = grownMillis * 50 > runMillis;
        if (stillCompiling) System.out.println("warning: the nodes were still compiling while measured: the figures include their warm-up");
        return stillCompiling;
    }

    /**
     * The nodes' statuses, or null (said on stdout) when a node does not answer: the run itself is not affected, only
     * the JIT and in-node latency lines are missing.
     */
    static ArrayNode readStatuses(List<InetSocketAddress> addresses) {
        try {
            return NodeStatuses.read(addresses);
        } catch (IOException e) {
            System.out.println("node statuses: not read (" + e.getMessage() + "): no JIT or in-node latency report");
            return null;
        }
    }

    /**
     * The in-node latency lines over the measured span ({@code atMeasureStart} to {@code after}; skipped if that
     * reading failed) and the JIT line over the whole run ({@code before} to {@code after}); true when it warned
     * that the nodes were still compiling.
     */
    static boolean reportNodes(LoadSpec spec, ArrayNode before, ArrayNode atMeasureStart, ArrayNode after, Path out)
            throws IOException {
        if (atMeasureStart != null) reportNodeLatencies(atMeasureStart, after, out);
        return reportNodeJit(spec, NodeJit.fromStatuses(before), NodeJit.fromStatuses(after));
    }

    /**
     * Where the time went inside the cluster, from the nodes' own histograms over the measured span: the leader's
     * decoded-to-reply and replication times and each node's WAL commit time; also written to
     * {@code node-latency.json}. Returns the report, or null when the histograms could not be read (said on stdout).
     */
    static NodeLatencyReport reportNodeLatencies(ArrayNode before, ArrayNode after, Path out) throws IOException {
        NodeLatencyReport report;
        try {
            report = NodeLatencyReport.between(before, after);
        } catch (IllegalArgumentException e) {
            System.out.println("in-node latency: not read (" + e.getMessage() + ")");
            return null;
        }
        List<String> lines = report.describe();
        if (lines.isEmpty()) return report; // nodes that do not report histograms
        System.out.println("inside the nodes, over the measured span:");
        for (String line : lines) System.out.println("  " + line);
        Files.writeString(out.resolve("node-latency.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.toMap()));
        return report;
    }

    /** The nodes' write-path hand-offs per acknowledged operation over the measured span; also write-path.csv. */
    static void reportWritePath(ArrayNode atMeasureStart, ArrayNode after, long operations, Path out) throws IOException {
        List<String> lines = NodeWritePath.write(atMeasureStart, after, operations, out.resolve("write-path.csv"));
        if (lines.isEmpty()) return;
        System.out.println("write path per acknowledged operation (nodes' counters, measured span):");
        for (String line : lines) System.out.println("  " + line);
    }

    private Target target(List<InetSocketAddress> addresses) {
        if (target.equals("kvnode")) return new KvnodeTarget(addresses, connections, Math.max(1, inFlight / connections) + 1, Duration.ofMillis(timeoutMillis));
        if (etcdEndpoints == null) throw new UsageException("--target etcd needs --etcd-endpoints http://HOST:PORT,...");
        // A load run measures etcd, not failover: one attempt may take the whole operation deadline.
        return new EtcdTarget(etcdEndpoints, connections, Duration.ofMillis(timeoutMillis), Duration.ofMillis(timeoutMillis),
                EtcdTarget.DEFAULT_UNHEALTHY_BACKOFF);
    }

    private LoadSpec spec() {
        if (!target.equals("kvnode") && !target.equals("etcd")) throw new UsageException("--target must be kvnode or etcd, not " + target);
        LoadMode loadMode = switch (mode) {
            case "open" -> LoadMode.OPEN_LOOP;
            case "closed" -> LoadMode.CLOSED_LOOP;
            default -> throw new UsageException("--mode must be open or closed, not " + mode);
        };
        KeyDistribution keyDistribution = switch (distribution) {
            case "uniform" -> KeyDistribution.UNIFORM;
            case "zipfian" -> KeyDistribution.ZIPFIAN;
            default -> throw new UsageException("--distribution must be uniform or zipfian, not " + distribution);
        };
        if (mix.size() != 3) throw new UsageException("--mix takes read,write,cas percentages, e.g. 10,80,10");
        if ((!nodeArguments.isEmpty() || nodeJvmOptions != null) && (nodes != null || !target.equals("kvnode"))) {
            throw new UsageException("--node-arg and --node-jvm-opts are for the local cluster (kvnode without --nodes)");
        }
        try {
            KvNodeMain.checkOptionsForEveryNode(nodeArguments);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--node-arg: " + e.getMessage());
        }
        OperationMix operationMix = new OperationMix(mix.get(0), mix.get(1), mix.get(2));
        LoadPacing loadPacing;
        try {
            loadPacing = LoadPacing.fromLabel(pacing);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + e.getMessage());
        }
        return LoadSpec.builder().pacing(loadPacing).mode(loadMode).targetRatePerSecond(rate).duration(Duration.ofSeconds(durationSeconds))
                .warmup(Duration.ofSeconds(warmupSeconds)).connections(connections).inFlightLimit(inFlight).keyCount(keys)
                .keyDistribution(keyDistribution).zipfianTheta(theta).valueSizeBytes(valueSize).mix(operationMix).seed(seed)
                .operationTimeout(Duration.ofMillis(timeoutMillis)).build();
    }
}
