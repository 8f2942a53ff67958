package io.kvbench.bench.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.bench.etcd.EtcdCluster;
import io.kvbench.bench.etcd.EtcdClusterSpec;
import io.kvbench.bench.etcd.EtcdTarget;
import io.kvbench.bench.floor.Floor;
import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.kvnode.NodeJit;
import io.kvbench.bench.kvnode.NodeLatencyReport;
import io.kvbench.bench.kvnode.NodeStatuses;
import io.kvbench.bench.load.Ceiling;
import io.kvbench.bench.load.LoadGenerator;
import io.kvbench.bench.load.LoadMode;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.load.OperationMix;
import io.kvbench.bench.proc.CpuCost;
import io.kvbench.bench.proc.CpuUsage;
import io.kvbench.bench.proc.MeasuredProcesses;
import io.kvbench.bench.target.KvnodeTarget;
import io.kvbench.bench.target.Target;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeJvmOptions;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The reference benchmarks (issue 4, "Benchmarks"), in one run, beside the floor measured in that run:
 * <ol>
 *   <li>sequential writes: 1 client, closed loop, on 3 kvnode nodes with fsync always;</li>
 *   <li>peak throughput with 16 and 64 closed-loop clients, kvnode then etcd (etcd always fsyncs);</li>
 *   <li>open loop at 50% and 80% of kvnode's measured peak (wrk2's model: latency from the intended send).</li>
 * </ol>
 * Beside etcd's peaks, etcd's own client against the same cluster ({@link EtcdCheckPerf}: {@code etcdctl check perf}),
 * printed next to the suite's etcd throughput, so a reader sees whether the harness starves etcd.
 * Each fresh kvnode cluster first gets unmeasured load until its nodes' JIT compilers are quiet ({@link JitWarmup}).
 * The floor includes the majority-write floor (its fsync probe in 3 threads at once: three nodes on one disk), and
 * each scenario's CPU per acknowledged write per process over its measured span (cpu.json, summary.csv). A
 * diagnostic beside them: the sequential scenario with {@code --fsync none}.
 * kvnode runs as three separate processes ({@link LocalCluster}) unless {@code --in-process}. Raw
 * output goes to {@code <output>/runs/<time>/} (ignored by git); the small curated files (summary.csv,
 * latency.hgrm, service.hgrm, run.json, timeseries.csv, plus each kvnode node's status before and after)
 * are copied to {@code <output>/<scenario>/}, and one line per scenario to {@code <output>/summary.csv}.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.kvbench.bench.reference.ReferenceRuns
 * [--output results/reference] [--data-dir target/reference-data] [--seconds 20] [--warmup-seconds 5]
 * [--in-process] [--skip-etcd] [--skip-etcd-check-perf] [--peak-rounds N] [--node-jvm-opts "-Xms256m -Xmx1g"] [--open-loop-peak N]}; with {@code --peak-rounds N} only the kvnode/etcd peak
 * comparison runs, alternated N times ({@link AlternatingPeaks}).
 */
public final class ReferenceRuns {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPIN_THRESHOLD_PROPERTY = "kvbench.load.spinThresholdMicros";
    private static final List<String> CURATED_FILES =
            List.of("summary.csv", "latency.hgrm", "service.hgrm", "run.json", "timeseries.csv");
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_KVNODE_CONNECTIONS = 16;

    final Path output;
    final Path dataDirectory;
    final Path rawOutput;
    private final Duration duration;
    private final Duration warmup;
    private final boolean inProcess;
    private final boolean skipEtcd;
    private final boolean skipEtcdCheckPerf;
    /** {@code etcdctl check perf} beside etcd's peaks, for reference.json; null when it did not run. */
    private Map<String, Object> etcdCheckPerf;
    private final int peakRounds;
    /**
     * {@code --open-loop-peak N}: run the open-loop scenarios at 50 and 80 % of N ops/s instead of this run's measured
     * peak, so two builds can be compared at the same absolute rates.
     */
    private final double openLoopPeakOverride;
    /** JVM options of each kvnode process ({@code --node-jvm-opts}, one string; {@link NodeJvmOptions#THROUGHPUT} by default). */
    private final List<String> nodeJvmOptions;
    /** One row per scenario: its name, then its summary.csv row by column (summary.csv of the reference folder). */
    private final List<Map<String, String>> scenarioRows = new ArrayList<>();
    /** Each fresh kvnode cluster's JIT warm-up ({@link JitWarmup}), by cluster, for reference.json. */
    private final Map<String, Object> jitWarmups = new LinkedHashMap<>();
    private FloorResult floor;

    private ReferenceRuns(Map<String, String> options) {
        String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        output = Path.of(options.getOrDefault("--output", "results/reference"));
        dataDirectory = Path.of(options.getOrDefault("--data-dir", "target/reference-data")).resolve(time);
        rawOutput = output.resolve("runs").resolve(time);
        duration = Duration.ofSeconds(intAtLeast(options, "--seconds", "20", 1));
        warmup = Duration.ofSeconds(intAtLeast(options, "--warmup-seconds", "5", 0));
        inProcess = options.containsKey("--in-process");
        skipEtcd = options.containsKey("--skip-etcd");
        skipEtcdCheckPerf = options.containsKey("--skip-etcd-check-perf");
        peakRounds = intAtLeast(options, "--peak-rounds", "0", 0);
        openLoopPeakOverride = nonNegativeNumber(options, "--open-loop-peak", "0");
        nodeJvmOptions = NodeJvmOptions.split(options.getOrDefault("--node-jvm-opts", NodeJvmOptions.THROUGHPUT));
    }

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -cp bench/target/benchmarks.jar io.kvbench.bench.reference.ReferenceRuns [options]",
            "  --output DIR           where README.md, summary.csv and runs/ go (default: results/reference)",
            "  --data-dir DIR         the nodes' and the floor probe's data directory (default: target/reference-data)",
            "  --seconds N            measured seconds per scenario (default: 20)",
            "  --warmup-seconds N     warm-up seconds per scenario (default: 5)",
            "  --peak-rounds N        only alternate kvnode and etcd peak runs N times",
            "  --open-loop-peak OPS   base the open-loop rates on this peak instead of the measured one",
            "  --node-jvm-opts OPTS   JVM options of each kvnode process (default: " + NodeJvmOptions.THROUGHPUT + ")",
            "  --in-process           run the kvnode cluster in this JVM",
            "  --skip-etcd            do not start or measure etcd",
            "  --skip-etcd-check-perf do not run etcd's own client (etcdctl check perf, 60 s) beside etcd's peaks",
            "  --help                 this text");
    private static final Set<String> VALUE_OPTIONS = Set.of("--output", "--data-dir", "--seconds", "--warmup-seconds",
            "--peak-rounds", "--open-loop-peak", "--node-jvm-opts");
    private static final Set<String> FLAGS = Set.of("--in-process", "--skip-etcd", "--skip-etcd-check-perf", "--help");

    /** The options as given; an unknown option or a missing value is an {@link IllegalArgumentException} that names it. */
    static Map<String, String> parseArguments(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (FLAGS.contains(option)) {
                options.put(option, "");
            } else if (VALUE_OPTIONS.contains(option)) {
                if (i + 1 >= args.length) throw new IllegalArgumentException(option + " needs a value");
                options.put(option, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        return options;
    }

    public static void main(String[] args) throws Exception {
        // With sender-thread pacing (LoadPacing.SENDER_THREADS; the default paces on the client's loop, no spin):
        // park-only pacing unless told otherwise: with 2 shared cores, a spinning open-loop sender took ~70% of a
        // core from the nodes in the first runs (cpu.json). Late sends still count: latency is from intended time.
        if (System.getProperty(SPIN_THRESHOLD_PROPERTY) == null) System.setProperty(SPIN_THRESHOLD_PROPERTY, "0");
        ReferenceRuns runs;
        try {
            Map<String, String> options = parseArguments(args);
            if (options.containsKey("--help")) {
                System.out.println(USAGE);
                return;
            }
            runs = new ReferenceRuns(options);
        } catch (IllegalArgumentException e) {
            System.err.println("ReferenceRuns: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        runs.run();
    }

    static int intAtLeast(Map<String, String> options, String option, String defaultValue, int minimum) {
        int value = parse(options, option, defaultValue, Integer::parseInt);
        if (value < minimum) throw new IllegalArgumentException(option + " must be at least " + minimum + ", got " + value);
        return value;
    }

    static double nonNegativeNumber(Map<String, String> options, String option, String defaultValue) {
        double value = parse(options, option, defaultValue, Double::parseDouble);
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a finite number, at least 0, got " + value);
        }
        return value;
    }

    private static <T> T parse(Map<String, String> options, String option, String defaultValue,
                               Function<String, T> parser) {
        String text = options.getOrDefault(option, defaultValue);
        try {
            return parser.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " expects a number, got '" + text + "'");
        }
    }

    private void run() throws Exception {
        Files.createDirectories(dataDirectory);
        Files.createDirectories(rawOutput);
        log("kvnode JVM options: " + (inProcess ? "(in-process)" : String.join(" ", nodeJvmOptions)));
        if (peakRounds > 0) {
            new AlternatingPeaks(this).run(peakRounds);
            deleteRecursively(dataDirectory);
            return;
        }
        // Floor on the filesystem the nodes write to, in this run (DESIGN.md, "Measuring").
        floor = Floor.measure(dataDirectory, 1000);
        log("floor: " + floor.describe());
        double generatorCeiling = Ceiling.measureOperationsPerSecond(baseSpec().build(), Duration.ofSeconds(3),
                rawOutput.resolve("ceiling"));
        log("generator ceiling against a no-op target: " + Math.round(generatorCeiling) + " ops/s");

        double kvnodePeak = runKvnode();
        runKvnodeWithoutFsync();
        if (!skipEtcd) runEtcd();
        FloorResult floorAfter = Floor.measure(dataDirectory, 1000);

        ObjectNode run = JSON.createObjectNode();
        run.put("kvnodeCluster", inProcess ? "in-process NodeRuntimes" : "3 separate processes (KvNodeCommand run)");
        run.put("generatorCeilingOpsPerSecond", generatorCeiling);
        run.put("senderSpinThresholdMicros", Long.getLong(SPIN_THRESHOLD_PROPERTY, 100));
        run.put("kvnodePeakOpsPerSecond", kvnodePeak);
        if (openLoopPeakOverride > 0) run.put("openLoopPeakOpsPerSecond", openLoopPeakOverride);
        run.put("kvnodeJvmOptions", inProcess ? "in-process" : String.join(" ", nodeJvmOptions));
        run.put("etcdCommandPrefix", String.join(" ", EtcdCluster.COMMAND_PREFIX));
        run.set("floorBefore", JSON.valueToTree(floor.describe()));
        run.set("floorAfter", JSON.valueToTree(floorAfter.describe()));
        run.set("kvnodeJitWarmup", JSON.valueToTree(jitWarmups));
        if (etcdCheckPerf != null) run.set("etcdCheckPerf", JSON.valueToTree(etcdCheckPerf));
        Files.writeString(output.resolve("reference.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(run));
        writeScenarioSummary(output.resolve("summary.csv"), scenarioRows);
        deleteRecursively(dataDirectory);
        log("done: " + output.toAbsolutePath());
    }

    LoadSpec.Builder baseSpec() {
        return LoadSpec.builder().duration(duration).warmup(warmup).keyCount(1000).valueSizeBytes(100)
                .mix(OperationMix.writesOnly()).operationTimeout(OPERATION_TIMEOUT).senderThreads(1);
    }

    static LoadSpec closedLoop(LoadSpec.Builder base, int clients) {
        return base.mode(LoadMode.CLOSED_LOOP).inFlightLimit(clients).connections(clients).build();
    }

    /** Sequential, peaks, then open loop at 50% and 80% of the better peak; returns that peak. */
    private double runKvnode() throws Exception {
        Path clusterDirectory = dataDirectory.resolve("kvnode");
        try (KvnodeCluster cluster = startKvnode(clusterDirectory, "always")) {
            warmUpJit("kvnode", cluster);
            measureIdleCpu(cluster);
            runScenario("kvnode-sequential-writes", closedLoop(baseSpec(), 1), cluster);
            double peak = 0;
            for (int clients : new int[] {16, 64}) {
                LoadSummary summary = runScenario("kvnode-peak-" + clients + "-clients", closedLoop(baseSpec(), clients), cluster);
                peak = Math.max(peak, summary.achievedRatePerSecond());
            }
            double openLoopPeak = openLoopPeakOverride > 0 ? openLoopPeakOverride : peak;
            if (openLoopPeakOverride > 0) log("open loop at percentages of " + openLoopPeak + " ops/s (--open-loop-peak), not of " + peak);
            for (int percent : new int[] {50, 80}) {
                LoadSpec spec = baseSpec().mode(LoadMode.OPEN_LOOP).targetRatePerSecond(Math.floor(openLoopPeak * percent / 100.0))
                        .inFlightLimit(1024).connections(MAX_KVNODE_CONNECTIONS).build();
                runScenario("kvnode-open-loop-" + percent + "-percent-of-peak", spec, cluster);
            }
            return peak;
        }
    }

    /** Unmeasured load on a fresh cluster until its nodes stop compiling ({@link JitWarmup}). */
    private void warmUpJit(String clusterName, KvnodeCluster cluster) throws Exception {
        JitWarmup.Result result = JitWarmup.run(cluster.clientAddresses(), this::baseSpec, rawOutput.resolve(clusterName));
        jitWarmups.put(clusterName, result.describe());
        log(clusterName + ": JIT warm-up " + result.rounds() + " rounds, " + Math.round(result.seconds()) + " s, "
                + (result.quiet() ? "quiet" : "STILL COMPILING after " + JitWarmup.MAX_WARMUP.toSeconds() + " s") + ": " + result.describe());
    }

    /**
     * Diagnostic: CPU the nodes burn with no client at all (ticks every millisecond, heartbeats), over 5 s.
     * Subtracted mentally from a scenario's CPU per operation, it separates fixed from per-write cost.
     */
    private void measureIdleCpu(KvnodeCluster cluster) throws Exception {
        CpuUsage.Sample before = CpuUsage.sample(cluster.pids());
        Thread.sleep(5_000);
        Map<String, Object> cpu = CpuCost.between(before, CpuUsage.sample(cluster.pids()), 0,
                MeasuredProcesses.of(cluster.pids())).toMap();
        cpu.put("seconds", 5);
        Path curated = output.resolve("diagnostic-kvnode-idle");
        Files.createDirectories(curated);
        Files.writeString(curated.resolve("cpu.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cpu));
        log("diagnostic: idle kvnode cluster, 5 s: " + cpu);
    }

    /**
     * Diagnostic, not a goal: the sequential scenario again with {@code --fsync none}, so the node's own
     * overhead (thread hand-offs, ticks, apply) shows apart from the disk. A factorial check: same cluster
     * shape, one factor changed.
     */
    private void runKvnodeWithoutFsync() throws Exception {
        try (KvnodeCluster cluster = startKvnode(dataDirectory.resolve("kvnode-fsync-none"), "none")) {
            warmUpJit("kvnode-fsync-none", cluster);
            runScenario("diagnostic-kvnode-sequential-writes-fsync-none", closedLoop(baseSpec(), 1), cluster);
        }
    }

    private void runEtcd() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(EtcdClusterSpec.threeMembers(), dataDirectory.resolve("etcd"))) {
            double suitePeak = 0;
            for (int clients : new int[] {16, 64}) {
                LoadSpec spec = closedLoop(baseSpec(), clients);
                // One request per connection at a time (HTTP/1.1, no pipelining): enough connections for every client.
                int perEndpoint = (clients + etcd.memberCount() - 1) / etcd.memberCount();
                String scenario = "etcd-peak-" + clients + "-clients";
                Map<String, Long> pids = new LinkedHashMap<>();
                for (int member = 0; member < etcd.memberCount(); member++) pids.put("etcd" + (member + 1), etcd.pid(member));
                try (EtcdTarget target = new EtcdTarget(etcd.clientUrls(), perEndpoint, OPERATION_TIMEOUT, OPERATION_TIMEOUT, EtcdTarget.DEFAULT_UNHEALTHY_BACKOFF)) {
                    target.open();
                    LoadSummary summary = LoadGenerator.run(spec, target, rawOutput.resolve(scenario), floor, null, true,
                            MeasuredProcesses.withGenerator(pids));
                    curate(scenario, summary, null, null, cpuJson(summary));
                    suitePeak = Math.max(suitePeak, summary.achievedRatePerSecond());
                }
            }
            if (!skipEtcdCheckPerf) crossCheckEtcd(etcd, suitePeak);
        }
    }

    /** etcd's own client on the same cluster, its throughput printed beside the suite's ({@link EtcdCheckPerf} says how they differ). */
    private void crossCheckEtcd(EtcdCluster etcd, double suitePeak) throws Exception {
        java.util.Optional<Path> etcdctl = EtcdCheckPerf.etcdctl();
        if (etcdctl.isEmpty()) {
            log("etcd cross-check skipped: etcdctl not found (apt-get install -y etcd-client)");
            etcdCheckPerf = Map.of("skipped", "etcdctl not found (apt-get install -y etcd-client)");
            return;
        }
        Path outputFile = output.resolve("etcd-check-perf").resolve("output.txt");
        List<String> command = EtcdCheckPerf.command(etcdctl.get(), etcd.clientUrls(), "<unique prefix>");
        log("etcd cross-check: " + String.join(" ", command) + " (60 s)");
        EtcdCheckPerf.Result result = EtcdCheckPerf.run(etcdctl.get(), etcd.clientUrls(), outputFile);
        etcdCheckPerf = new LinkedHashMap<>(result.describe(String.join(" ", command)));
        etcdCheckPerf.put("suitePeakWritesPerSecond", suitePeak);
        Files.writeString(outputFile.resolveSibling("check-perf.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(etcdCheckPerf));
        log(String.format(java.util.Locale.ROOT, "etcd cross-check: etcd's own client (etcdctl check perf --load=%s: %d gRPC clients, "
                        + "rate limit %d/s, 1 KiB values) %s writes/s; the suite's etcd target (JSON gateway over HTTP/1.1, 16 or 64 "
                        + "closed-loop clients, 100-byte values) %.0f writes/s at its better peak; check perf %s (exit %d)",
                EtcdCheckPerf.LOAD, EtcdCheckPerf.CLIENTS, EtcdCheckPerf.RATE_LIMIT_PER_SECOND,
                result.writesPerSecond().isPresent() ? String.format(java.util.Locale.ROOT, "%.0f", result.writesPerSecond().getAsDouble()) : "(no figure)",
                suitePeak, result.passed() ? "PASS" : "FAIL (it passes only above 90 % of its rate limit)", result.exitCode()));
    }

    private LoadSummary runScenario(String scenario, LoadSpec spec, KvnodeCluster cluster) throws Exception {
        ArrayNode before = cluster.statuses();
        int connections = Math.min(spec.connections(), MAX_KVNODE_CONNECTIONS);
        int inFlightPerConnection = Math.max(1, (spec.inFlightLimit() + connections - 1) / connections);
        LoadSummary summary;
        AtomicReference<ArrayNode> atMeasureStart = new AtomicReference<>();
        try (Target target = new KvnodeTarget(cluster.clientAddresses(), connections, inFlightPerConnection, OPERATION_TIMEOUT)) {
            target.open();
            // The spec as run: the connections the target opened (run.json, and the CPU floor matched by them).
            LoadSpec ran = spec.toBuilder().connections(connections).build();
            summary = LoadGenerator.run(ran, target, rawOutput.resolve(scenario), floor, () -> {
                try {
                    atMeasureStart.set(cluster.statuses());
                } catch (IOException e) {
                    log(scenario + ": node statuses not read at the end of warm-up (" + e.getMessage() + "): no in-node latency");
                }
            }, true, MeasuredProcesses.of(cluster.pids()));
        }
        Map<String, Object> cpu = cpuJson(summary);
        ArrayNode after = cluster.statuses();
        log(scenario + ": the busiest node's JIT compile time grew by " + NodeJit.largestGrowthMillis(NodeJit.fromStatuses(before),
                NodeJit.fromStatuses(after)) + " ms (summed over its compiler threads) during warm-up and measurement");
        if (atMeasureStart.get() != null) {
            NodeLatencyReport inside = NodeLatencyReport.between(atMeasureStart.get(), after);
            for (String line : inside.describe()) log(scenario + ": inside the nodes, measured span: " + line);
            Files.createDirectories(output.resolve(scenario));
            Files.writeString(output.resolve(scenario).resolve("node-latency.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(inside.toMap()));
        }
        curate(scenario, summary, before, after, cpu);
        return summary;
    }

    /**
     * cpu.json: the generator's CPU accounting over the measured span (runs before issue 19 sampled warm-up and
     * measurement together and divided by an estimate of the operations in both).
     */
    private static Map<String, Object> cpuJson(LoadSummary summary) {
        return summary.cpu() == null ? Map.of() : summary.cpu().toMap();
    }

    private void curate(String scenario, LoadSummary summary, ArrayNode statusBefore, ArrayNode statusAfter,
            Map<String, Object> cpu) throws IOException {
        Path curated = output.resolve(scenario);
        Files.createDirectories(curated);
        for (String file : CURATED_FILES) {
            Files.copy(summary.outputDirectory().resolve(file), curated.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(curated.resolve("cpu.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cpu));
        if (statusBefore != null) {
            ObjectNode statuses = JSON.createObjectNode();
            statuses.set("before", statusBefore);
            statuses.set("after", statusAfter);
            Files.writeString(curated.resolve("node-status.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(statuses));
        }
        try (Reader reader = Files.newBufferedReader(summary.outputDirectory().resolve("summary.csv"))) {
            CSVRecord row = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)
                    .getRecords().get(0);
            Map<String, String> cells = new LinkedHashMap<>();
            cells.put("scenario", scenario);
            cells.putAll(row.toMap());
            scenarioRows.add(cells);
        }
        log(scenario + ": " + Math.round(summary.achievedRatePerSecond()) + " ops/s, p50 " + summary.latencyMicrosP50()
                + " us, p99 " + summary.latencyMicrosP99() + " us, errors " + summary.errors() + ", timeouts "
                + summary.timeouts() + " (majority-write floor " + Math.round(floor.majorityWriteFloorMicros())
                + " us, single-fsync floor " + Math.round(floor.singleFsyncFloorMicros()) + " us); cpu " + cpu);
    }

    /** The columns of every row in first-seen order (scenarios without a floor leave its columns empty). */
    static void writeScenarioSummary(Path file, List<Map<String, String>> rows) throws IOException {
        Set<String> header = new LinkedHashSet<>();
        rows.forEach(row -> header.addAll(row.keySet()));
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter printer = CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new))
                        .setRecordSeparator("\n").get().print(writer)) {
            for (Map<String, String> row : rows) {
                printer.printRecord(header.stream().map(column -> row.getOrDefault(column, null)).toList());
            }
        }
    }

    KvnodeCluster startKvnode(Path directory, String fsync) throws IOException {
        LocalClusterSpec.Builder spec = LocalClusterSpec.builder().nodeCount(3).fsync(fsync).auditWrites(false)
                .startTimeout(Duration.ofSeconds(60));
        if (inProcess) {
            LocalCluster cluster = LocalCluster.start(spec.leaderLostMaxMillis(10).inProcess().build(), directory);
            cluster.awaitLeader(Duration.ofSeconds(30));
            return new KvnodeCluster(cluster.clientAddressList(), Map.of("generatorAndNodes", ProcessHandle.current().pid()), cluster);
        }
        List<String> jvmOptions = new ArrayList<>(nodeJvmOptions);
        // GC pauses per node, to tell collector stalls from snapshot or scheduling stalls.
        jvmOptions.add("-Xlog:gc:file=" + rawOutput.toAbsolutePath().resolve(directory.getFileName() + "-gc-%p.log"));
        // Stopped with SIGTERM (a leader hands over first), then SIGKILL after 10 s.
        LocalCluster cluster = LocalCluster.start(spec.jvmOptions(jvmOptions).classPath(System.getProperty("java.class.path"))
                .stopGracePeriod(Duration.ofSeconds(10)).build(), directory);
        Map<String, Long> pids = new LinkedHashMap<>();
        for (int id = 1; id <= 3; id++) pids.put(MeasuredProcesses.node(id), cluster.pid(id));
        pids.put(MeasuredProcesses.GENERATOR, ProcessHandle.current().pid());
        return new KvnodeCluster(cluster.clientAddressList(), pids, cluster);
    }

    /** Either kind of cluster, and its nodes' status JSON (walBatchesPerForce, fsyncMode, ...) for profiling. */
    record KvnodeCluster(List<InetSocketAddress> clientAddresses, Map<String, Long> pids, AutoCloseable nodes)
            implements AutoCloseable {
        ArrayNode statuses() throws IOException {
            return NodeStatuses.read(clientAddresses);
        }

        @Override
        public void close() throws Exception {
            nodes.close();
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) return;
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        }
    }

    static void log(String line) {
        System.err.println("reference: " + line);
    }
}
