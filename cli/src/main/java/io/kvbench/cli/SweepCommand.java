package io.kvbench.cli;

import io.kvbench.net.OptionRange;
import io.kvbench.bench.reference.LocalSweepClusters;
import io.kvbench.bench.reference.RateSweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code kvbench sweep}: latency against throughput for kvnode and etcd, each on a fresh local 3-node cluster: its
 * peak in closed loop, then open-loop steps at fractions of it ({@link RateSweep}); the curve and the spectra drawn.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Measure latency against throughput: each target's peak, then open-loop steps from 10 %% to 100 %% of it.",
                "Each target runs on a fresh local 3-node cluster (kvnode with its JIT warmed first, as the reference runs).",
                "Writes sweep.csv, run.json, each step's load files under TARGET/step-NNN/, latency-vs-throughput.png,",
                "sweep-spectra.png and report.html."})
public final class SweepCommand implements Callable<Integer> {
    @Option(names = "--targets", defaultValue = "kvnode,etcd", split = ",", paramLabel = "TARGET[,TARGET...]", hideParamSyntax = true,
            description = "Targets to sweep, one after the other: kvnode, etcd (default: ${DEFAULT-VALUE}).")
    List<String> targets;

    @OptionRange(min = 0, minExclusive = true, max = 1.5)
    @Option(names = "--fractions", defaultValue = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0", split = ",",
            paramLabel = "F[,F...]", hideParamSyntax = true,
            description = "Open-loop steps as fractions of each target's measured peak, in (0, 1.5] (default: ${DEFAULT-VALUE}).")
    List<Double> fractions;

    @OptionRange(min = 1, max = 3_600)
    @Option(names = "--step-s", defaultValue = "10", description = "Measured seconds of each step and of the peak run (default: ${DEFAULT-VALUE}).")
    int stepSeconds;

    @OptionRange(min = 0, max = 3_600)
    @Option(names = "--warmup-s", defaultValue = "2", description = "Unmeasured seconds before each step and the peak run (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @OptionRange(min = 1, max = 10_000)
    @Option(names = "--peak-clients", defaultValue = "64",
            description = "Closed-loop clients of the peak run whose rate the steps are fractions of (default: ${DEFAULT-VALUE}).")
    int peakClients;

    @OptionRange(min = 0, max = 10_000_000)
    @Option(names = "--peak-rate", defaultValue = "0",
            description = "Take this rate (ops/s) as every target's peak instead of measuring it; 0 = measure (default: ${DEFAULT-VALUE}).")
    double peakRate;

    @Option(names = "--no-jit-warmup",
            description = "Skip warming a fresh kvnode cluster's JIT until it is quiet (a short sanity sweep; the first steps then include the nodes' compiling).")
    boolean noJitWarmup;

    @Option(names = "--out", description = "Output folder (default: results/<version>/sweep/<time>/).")
    Path output;

    @Option(names = "--no-plot", description = "Do not draw charts.")
    boolean noPlot;

    @Override
    public Integer call() throws Exception {
        for (String target : targets) {
            if (!LocalSweepClusters.TARGETS.contains(target)) throw new UsageException("--targets: kvnode or etcd, not " + target);
        }
        RunFolder folder = RunFolder.create(output, "sweep");
        return folder.run(() -> sweep(folder.path()));
    }

    private int sweep(Path out) throws Exception {
        RateSweep.Spec spec;
        try {
            spec = new RateSweep.Spec(targets, fractions, Duration.ofSeconds(stepSeconds), Duration.ofSeconds(warmupSeconds),
                    peakClients, peakRate, Git.sha(Home.directory()), out);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        long perTargetSeconds = (long) (fractions.size() + (peakRate > 0 ? 0 : 1)) * (stepSeconds + warmupSeconds);
        System.err.printf(Locale.ROOT, "sweep: %s, %d steps each, about %d s per target%s; output %s%n", String.join(" and ", targets),
                fractions.size(), perTargetSeconds, noJitWarmup || !targets.contains("kvnode") ? "" : " (kvnode: plus up to 2 min of JIT warm-up)", out);
        List<RateSweep.Step> steps = new RateSweep(spec, new LocalSweepClusters(System.getProperty("java.class.path"), !noJitWarmup,
                System.err), System.err).run();
        System.out.printf(Locale.ROOT, "%-8s %7s %12s %12s %10s %10s %8s %8s %s%n", "target", "of peak", "offered/s", "achieved/s",
                "p50 us", "p99 us", "errors", "timeouts", "");
        for (RateSweep.Step step : steps) {
            System.out.printf(Locale.ROOT, "%-8s %6.0f%% %12.0f %12.0f %10d %10d %8d %8d %s%n", step.target(), step.fraction() * 100,
                    step.summary().targetRatePerSecond(), step.summary().achievedRatePerSecond(), step.summary().latencyMicrosP50(),
                    step.summary().latencyMicrosP99(), step.summary().errors(), step.summary().timeouts(),
                    step.summary().saturated() ? "saturated" : "");
        }
        if (!noPlot) PlotCommand.run(List.of("all", out.toString()));
        ReportCommand.writeFor(out);
        System.out.println("results: " + out);
        // Steps past the knee are expected to queue, time out and saturate: that is the curve, not a failed check.
        return KvbenchMain.EXIT_OK;
    }
}
