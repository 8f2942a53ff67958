package io.kvbench.bench.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kvbench.bench.load.LoadGenerator;
import io.kvbench.bench.load.LoadMode;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.load.OperationMix;
import io.kvbench.bench.proc.MeasuredProcesses;
import io.kvbench.bench.target.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Latency against throughput (the "hockey stick"): for each target, on one fresh cluster, its peak measured in
 * closed loop, then open-loop steps at fractions of that peak (10 % to 100 % by default), each step's latency from
 * the intended send time. Writes {@code sweep.csv} (one row per target and step), {@code run.json}, and each run's
 * standard load files under {@code <target>/peak/} and {@code <target>/step-NNN/} (NNN: percent of the peak).
 *
 * <p>A step that achieves less than 95 % of its offered rate is marked saturated: from there on the latency is the
 * queue the generator's schedule builds, which is what the curve is for, but its rate is not the one asked for.
 */
public final class RateSweep {
    public static final String[] CSV_HEADER = {"target", "step", "fraction_of_peak", "peak_rate", "offered_rate",
            "achieved_rate", "count", "errors", "timeouts", "p50_us", "p90_us", "p99_us", "p999_us", "max_us", "saturated"};
    public static final List<Double> DEFAULT_FRACTIONS = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
    static final Duration OPERATION_TIMEOUT = ReferenceRuns.OPERATION_TIMEOUT;

    /**
     * @param targets      target names, measured one after the other, each on a fresh cluster
     * @param fractions    open-loop steps, as fractions of each target's peak, in (0, 1.5]
     * @param step         measured time of each step (and of the peak run)
     * @param warmup       unmeasured time before each step and the peak run
     * @param peakClients  closed-loop clients of the peak run
     * @param peakOverride when above 0, every target's steps are fractions of this rate and no peak is measured
     * @param gitSha       the commit under test, for run.json
     * @param output       where the files go
     */
    public record Spec(List<String> targets, List<Double> fractions, Duration step, Duration warmup, int peakClients,
                       double peakOverride, String gitSha, Path output) {
        public Spec {
            targets = List.copyOf(targets);
            fractions = fractions.stream().sorted().toList();
            if (targets.isEmpty()) throw new IllegalArgumentException("no target to sweep");
            if (fractions.isEmpty() || fractions.stream().anyMatch(f -> !(f > 0 && f <= 1.5))) {
                throw new IllegalArgumentException("fractions of the peak must be in (0, 1.5]: " + fractions);
            }
            if (step.isNegative() || step.isZero() || warmup.isNegative() || peakClients < 1 || !(peakOverride >= 0)) {
                throw new IllegalArgumentException("a step must last, warm-up must not be negative, and the peak needs a client");
            }
        }
    }

    /** Starts one fresh cluster of a target, for its peak run and all its steps. */
    public interface Clusters {
        Cluster start(String target, Path directory) throws Exception;
    }

    /** A running cluster: makes (unopened) targets for it and says how it was set up. */
    public interface Cluster extends AutoCloseable {
        /** A target with room for {@code inFlight} operations at once. */
        Target target(int inFlight) throws IOException;

        /** What run.json records about the cluster (JIT warm-up, JVM options, version...). */
        Map<String, Object> describe();

        /**
         * The cluster's processes by report name ({@code node1}..., {@code etcd1}...), so each run measures their CPU
         * per write and, per second, their CPU, run-queue wait and JVM stop-the-world time; empty: not known.
         */
        default Map<String, Long> pids() {
            return Map.of();
        }
    }

    /** One measured step. */
    public record Step(String target, int number, double fraction, double peakRate, LoadSummary summary) {
        double offeredRate() {
            return summary.targetRatePerSecond();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Spec spec;
    private final Clusters clusters;
    private final PrintStream log;

    public RateSweep(Spec spec, Clusters clusters, PrintStream log) {
        this.spec = spec;
        this.clusters = clusters;
        this.log = log;
    }

    /** Runs every target's sweep and writes the files; returns the steps in the order they ran. */
    public List<Step> run() throws Exception {
        Files.createDirectories(spec.output());
        Instant startedAt = Instant.now();
        List<Step> steps = new ArrayList<>();
        Map<String, Object> peaks = new LinkedHashMap<>();
        Map<String, Object> clusterDescriptions = new LinkedHashMap<>();
        for (String targetName : spec.targets()) {
            Path directory = spec.output().resolve(targetName);
            try (Cluster cluster = clusters.start(targetName, directory.resolve("cluster"))) {
                clusterDescriptions.put(targetName, cluster.describe());
                double peak = spec.peakOverride() > 0 ? spec.peakOverride() : measurePeak(targetName, cluster, directory.resolve("peak"));
                peaks.put(targetName, peak);
                for (int index = 0; index < spec.fractions().size(); index++) {
                    double fraction = spec.fractions().get(index);
                    Step step = runStep(targetName, cluster, index + 1, fraction, peak, directory);
                    steps.add(step);
                    writeCsv(spec.output().resolve("sweep.csv"), steps); // a sweep cut short still leaves its steps
                }
            }
        }
        writeRunJson(startedAt, peaks, clusterDescriptions);
        return steps;
    }

    private double measurePeak(String targetName, Cluster cluster, Path directory) throws Exception {
        LoadSpec peakSpec = base().mode(LoadMode.CLOSED_LOOP).inFlightLimit(spec.peakClients())
                .connections(spec.peakClients()).build();
        LoadSummary summary;
        try (Target target = cluster.target(spec.peakClients())) {
            target.open();
            summary = LoadGenerator.run(peakSpec, target, directory, null, null, false, processes(cluster));
        }
        log.printf(Locale.ROOT, "sweep %s: peak %,.0f ops/s with %d closed-loop clients (p50 %d us, p99 %d us, %d errors, %d timeouts)%n",
                targetName, summary.achievedRatePerSecond(), spec.peakClients(), summary.latencyMicrosP50(),
                summary.latencyMicrosP99(), summary.errors(), summary.timeouts());
        if (summary.achievedRatePerSecond() <= 0) throw new IOException(targetName + ": the peak run answered nothing");
        return summary.achievedRatePerSecond();
    }

    private Step runStep(String targetName, Cluster cluster, int number, double fraction, double peak, Path directory)
            throws Exception {
        double rate = Math.max(1, Math.floor(peak * fraction));
        LoadSpec stepSpec = base().mode(LoadMode.OPEN_LOOP).targetRatePerSecond(rate).inFlightLimit(OPEN_LOOP_IN_FLIGHT)
                .connections(ReferenceRuns.MAX_KVNODE_CONNECTIONS).build();
        LoadSummary summary;
        try (Target target = cluster.target(OPEN_LOOP_IN_FLIGHT)) {
            target.open();
            summary = LoadGenerator.run(stepSpec, target, directory.resolve(stepFolder(fraction)), null, null, false,
                    processes(cluster));
        }
        log.printf(Locale.ROOT, "sweep %s: step %d/%d, %.0f %% of the peak = %,.0f ops/s offered: achieved %,.0f, p50 %d us, p99 %d us%s%n",
                targetName, number, spec.fractions().size(), fraction * 100, rate, summary.achievedRatePerSecond(),
                summary.latencyMicrosP50(), summary.latencyMicrosP99(), summary.saturated() ? " (saturated)" : "");
        return new Step(targetName, number, fraction, peak, summary);
    }

    /** The cluster's processes and this JVM, the generator; null (nothing measured) when the cluster names none. */
    private static MeasuredProcesses processes(Cluster cluster) {
        Map<String, Long> pids = cluster.pids();
        return pids.isEmpty() ? null : MeasuredProcesses.withGenerator(pids);
    }

    /** The open-loop steps' room in flight: as the reference runs' open-loop scenarios (a queue this deep is late already). */
    static final int OPEN_LOOP_IN_FLIGHT = 1024;

    /** {@code step-010} for 10 % of the peak: plot.py finds the steps by this name. */
    static String stepFolder(double fraction) {
        return String.format(Locale.ROOT, "step-%03d", Math.round(fraction * 100));
    }

    private LoadSpec.Builder base() {
        return LoadSpec.builder().duration(spec.step()).warmup(spec.warmup()).keyCount(1000).valueSizeBytes(100)
                .mix(OperationMix.writesOnly()).operationTimeout(OPERATION_TIMEOUT).senderThreads(1);
    }

    static void writeCsv(Path file, List<Step> steps) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter csv = CSVFormat.DEFAULT.builder().setHeader(CSV_HEADER).setRecordSeparator("\n").get().print(writer)) {
            for (Step step : steps) {
                LoadSummary s = step.summary();
                csv.printRecord(step.target(), step.number(), decimal(step.fraction()), decimal(step.peakRate()),
                        decimal(step.offeredRate()), decimal(s.achievedRatePerSecond()), s.count(), s.errors(), s.timeouts(),
                        s.latencyMicros().getValueAtPercentile(50), s.latencyMicros().getValueAtPercentile(90),
                        s.latencyMicros().getValueAtPercentile(99), s.latencyMicros().getValueAtPercentile(99.9),
                        s.latencyMicros().getMaxValue(), s.saturated());
            }
        }
    }

    private void writeRunJson(Instant startedAt, Map<String, Object> peaks, Map<String, Object> clusterDescriptions)
            throws IOException {
        Map<String, Object> sweep = new LinkedHashMap<>();
        sweep.put("targets", spec.targets());
        sweep.put("fractionsOfPeak", spec.fractions());
        sweep.put("stepSeconds", spec.step().toMillis() / 1000.0);
        sweep.put("warmupSeconds", spec.warmup().toMillis() / 1000.0);
        sweep.put("peakClients", spec.peakClients());
        sweep.put("peakFromOption", spec.peakOverride() > 0);
        sweep.put("openLoopInFlight", OPEN_LOOP_IN_FLIGHT);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("gitSha", spec.gitSha());
        run.put("sweep", sweep);
        run.put("peakRates", peaks);
        run.put("clusters", clusterDescriptions);
        run.put("javaVersion", System.getProperty("java.version"));
        run.put("processors", Runtime.getRuntime().availableProcessors());
        run.put("startedAt", startedAt.toString());
        run.put("endedAt", Instant.now().toString());
        JSON.writeValue(spec.output().resolve("run.json").toFile(), run);
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
