package io.kvbench.bench.load;

import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.proc.CpuCost;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * What one run measured, warm-up excluded.
 *
 * @param targetName            {@link io.kvbench.bench.target.Target#name()}
 * @param mode                  open or closed loop
 * @param targetRatePerSecond   the intended rate (0 in closed loop)
 * @param achievedRatePerSecond answered operations per second of measured time
 * @param count                 answered operations (errors included, timeouts not)
 * @param errors                answered with FAILED
 * @param timeouts              not answered within the operation timeout (or never sent by then)
 * @param errorsByKind          errors by failure kind, sorted by kind
 * @param latencyMicros         from intended send time to completion (coordinated-omission corrected)
 * @param serviceMicros         from actual send to completion
 * @param durationSeconds       measured time: from the end of warm-up to the last completion, at least the spec's duration
 * @param warmupSeconds         the spec's warm-up
 * @param floor                 the machine's floor if one was measured, else null
 * @param outputDirectory       where the files went
 * @param cpu                   CPU of the measured processes over the measured span, per acknowledged operation;
 *                              null when the run measured none
 */
public record LoadSummary(
        String targetName,
        LoadMode mode,
        double targetRatePerSecond,
        double achievedRatePerSecond,
        long count,
        long errors,
        long timeouts,
        Map<String, Long> errorsByKind,
        Histogram latencyMicros,
        Histogram serviceMicros,
        double durationSeconds,
        double warmupSeconds,
        FloorResult floor,
        Path outputDirectory,
        CpuCost cpu) {

    /** Below this share of the target rate, the run did not measure what it was asked to. */
    public static final double SATURATION_THRESHOLD = 0.95;

    public long latencyMicrosP50() {
        return latencyMicros.getValueAtPercentile(50);
    }

    public long latencyMicrosP99() {
        return latencyMicros.getValueAtPercentile(99);
    }

    public long latencyMicrosMax() {
        return latencyMicros.getMaxValue();
    }

    public long serviceMicrosP50() {
        return serviceMicros.getValueAtPercentile(50);
    }

    public long serviceMicrosP99() {
        return serviceMicros.getValueAtPercentile(99);
    }

    public Optional<FloorResult> optionalFloor() {
        return Optional.ofNullable(floor);
    }

    public Optional<CpuCost> optionalCpu() {
        return Optional.ofNullable(cpu);
    }

    /** Open loop only: the generator or the target could not keep up with the intended rate. */
    public boolean saturated() {
        return mode == LoadMode.OPEN_LOOP && achievedRatePerSecond < SATURATION_THRESHOLD * targetRatePerSecond;
    }

    public String saturationMessage() {
        return String.format(java.util.Locale.ROOT, "generator or target saturated: achieved %.0f of %.0f ops/s",
                achievedRatePerSecond, targetRatePerSecond);
    }
}
