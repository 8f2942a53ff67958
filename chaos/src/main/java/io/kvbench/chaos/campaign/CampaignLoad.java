package io.kvbench.chaos.campaign;

import io.kvbench.bench.load.BackgroundLoad;
import io.kvbench.bench.load.LoadGenerator;
import io.kvbench.bench.load.LoadMode;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.load.OperationMix;
import io.kvbench.bench.target.Target;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The campaign's continuous load from bench's open-loop {@link LoadGenerator}, beside the history workload and
 * for the whole campaign, into {@code <out>/load/} (summary.csv, latency.hgrm, latency.hlog, timeseries.csv,
 * run.json). Its latency runs from the intended send time, so a failover shows as the full stall every
 * request scheduled during it waited (coordinated omission corrected), which the history workload's one
 * outstanding operation per thread cannot show. Its keys ({@code key-…}) are not the history's, so the
 * checkers never see them.
 */
public final class CampaignLoad {
    /** Leaves the campaign JVM's first requests (class loading, JIT) out; the history workload starts after it. */
    static final Duration WARMUP = Duration.ofSeconds(1);
    static final int CONNECTIONS = 2;
    /** Most operations outstanding at the least: enough for a second-long stall at modest rates. */
    private static final int MIN_IN_FLIGHT = 64;
    /** The schedule's bound; the campaign stops the run long before. */
    private static final Duration UNTIL_STOPPED = Duration.ofDays(1);

    private CampaignLoad() {
    }

    /**
     * Open loop at the spec's generator rate, 100-byte writes over 1000 uniform keys, the campaign's operation
     * timeout. In flight: enough for every request of one whole operation timeout, so a stall never holds the
     * schedule back for lack of a slot.
     */
    static LoadSpec loadSpec(CampaignSpec spec) {
        int inFlight = (int) Math.min(65_536, Math.max(MIN_IN_FLIGHT,
                Math.ceil(spec.generatorRatePerSecond() * spec.operationTimeout().toNanos() / 1e9)));
        return LoadSpec.builder().mode(LoadMode.OPEN_LOOP).targetRatePerSecond(spec.generatorRatePerSecond())
                .duration(UNTIL_STOPPED).warmup(WARMUP).connections(CONNECTIONS).inFlightLimit(inFlight).keyCount(1000)
                .valueSizeBytes(100).mix(OperationMix.writesOnly()).seed(spec.seed()).operationTimeout(spec.operationTimeout())
                .senderThreads(1).build();
    }

    /** In flight per connection for a target built for {@link #loadSpec}. */
    static int inFlightPerConnection(CampaignSpec spec) {
        return loadSpec(spec).inFlightLimit() / CONNECTIONS + 1;
    }

    /** Starts the run on the opened {@code target}; its measured time starts at {@link BackgroundLoad#measureStartNanos()}. */
    static BackgroundLoad start(CampaignSpec spec, Target target, Path directory) throws IOException {
        return LoadGenerator.start(loadSpec(spec), target, directory);
    }

    /** One line for verdict.txt and the console. */
    public static String describe(LoadSummary load) {
        Histogram latency = load.latencyMicros();
        return String.format(Locale.ROOT, "load generator (open loop, %s): target %.0f ops/s, achieved %.1f ops/s over %.1f s; "
                        + "latency from intended send p50 %.1f / p99 %.1f / p99.9 %.1f / max %.1f ms; %d errors, %d timeouts",
                load.targetName(), load.targetRatePerSecond(), load.achievedRatePerSecond(), load.durationSeconds(),
                millis(latency, 50), millis(latency, 99), millis(latency, 99.9), latency.getMaxValue() / 1000.0,
                load.errors(), load.timeouts());
    }

    /** The same figures for run.json. */
    static Map<String, Object> describeForJson(LoadSummary load) {
        Histogram latency = load.latencyMicros();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("target", load.targetName());
        map.put("directory", "load");
        map.put("targetRatePerSecond", load.targetRatePerSecond());
        map.put("achievedRatePerSecond", load.achievedRatePerSecond());
        map.put("durationSeconds", load.durationSeconds());
        map.put("answered", load.count());
        map.put("errors", load.errors());
        map.put("timeouts", load.timeouts());
        map.put("latencyP50Millis", millis(latency, 50));
        map.put("latencyP99Millis", millis(latency, 99));
        map.put("latencyP999Millis", millis(latency, 99.9));
        map.put("latencyMaxMillis", latency.getMaxValue() / 1000.0);
        return map;
    }

    private static double millis(Histogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }
}
