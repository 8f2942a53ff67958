package io.kvbench.bench.load;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines one load run. Build with {@link #builder()}.
 *
 * @param mode                 open loop (latency) or closed loop (peak throughput)
 * @param targetRatePerSecond  open loop: requests per second to intend; ignored in closed loop
 * @param duration             measured time, after warm-up
 * @param warmup               time run first and left out of every result (JIT, connection set-up, caches)
 * @param connections          connections the target should open; recorded in run.json, used by whoever
 *                             builds the target (the generator itself opens none)
 * @param inFlightLimit        most operations outstanding at once; in closed loop, the number of clients
 * @param keyCount             keys are {@code key-0000000000 .. keyCount-1}
 * @param keyDistribution      uniform or zipfian
 * @param zipfianTheta         zipfian skew, 0 < theta < 1
 * @param valueSizeBytes       bytes per written value
 * @param mix                  read/write/cas percentages
 * @param seed                 seeds keys, operation kinds and values; sender thread k uses seed + k
 * @param operationTimeout     an operation not answered by then counts as a timeout
 * @param senderThreads        threads that pace and send (keep small: the target shares the machine); with
 *                             {@link LoadPacing#TARGET_EVENT_LOOP} pacing, the target's one loop does instead
 * @param pacing               which thread paces and sends ({@link LoadPacing})
 */
public record LoadSpec(
        LoadMode mode,
        double targetRatePerSecond,
        Duration duration,
        Duration warmup,
        int connections,
        int inFlightLimit,
        int keyCount,
        KeyDistribution keyDistribution,
        double zipfianTheta,
        int valueSizeBytes,
        OperationMix mix,
        long seed,
        Duration operationTimeout,
        int senderThreads,
        LoadPacing pacing) {

    public LoadSpec {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(keyDistribution, "keyDistribution");
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(operationTimeout, "operationTimeout");
        Objects.requireNonNull(pacing, "pacing");
        require(mode == LoadMode.CLOSED_LOOP || targetRatePerSecond > 0, "targetRatePerSecond must be > 0");
        require(!duration.isNegative() && !duration.isZero(), "duration must be > 0");
        require(!warmup.isNegative(), "warmup must be >= 0");
        require(connections >= 1, "connections must be >= 1");
        require(inFlightLimit >= 1, "inFlightLimit must be >= 1");
        require(keyCount >= 1, "keyCount must be >= 1");
        require(keyDistribution != KeyDistribution.ZIPFIAN || (zipfianTheta > 0 && zipfianTheta < 1),
                "zipfianTheta must be in (0, 1)");
        require(valueSizeBytes >= 0, "valueSizeBytes must be >= 0");
        require(!operationTimeout.isNegative() && !operationTimeout.isZero(), "operationTimeout must be > 0");
        require(senderThreads >= 1 && senderThreads <= inFlightLimit, "senderThreads must be in [1, inFlightLimit]");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().mode(mode).targetRatePerSecond(targetRatePerSecond).duration(duration).warmup(warmup)
                .connections(connections).inFlightLimit(inFlightLimit).keyCount(keyCount)
                .keyDistribution(keyDistribution).zipfianTheta(zipfianTheta).valueSizeBytes(valueSizeBytes)
                .mix(mix).seed(seed).operationTimeout(operationTimeout).senderThreads(senderThreads)
                .pacing(pacing);
    }

    /** The parameters as plain values for run.json (Jackson has no java.time support without a module). */
    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mode", mode.name());
        map.put("targetRatePerSecond", targetRatePerSecond);
        map.put("durationSeconds", duration.toNanos() / 1e9);
        map.put("warmupSeconds", warmup.toNanos() / 1e9);
        map.put("connections", connections);
        map.put("inFlightLimit", inFlightLimit);
        map.put("keyCount", keyCount);
        map.put("keyDistribution", keyDistribution.name());
        map.put("zipfianTheta", zipfianTheta);
        map.put("valueSizeBytes", valueSizeBytes);
        map.put("readPercent", mix.readPercent());
        map.put("writePercent", mix.writePercent());
        map.put("casPercent", mix.casPercent());
        map.put("seed", seed);
        map.put("operationTimeoutMillis", operationTimeout.toMillis());
        map.put("senderThreads", senderThreads);
        map.put("pacing", pacing.label());
        return map;
    }

    /**
     * Defaults: open loop, 1000/s for 10 s after 2 s warm-up, 8 connections, 64 in flight, 1000 uniform keys, 100-byte
     * writes, paced on the target's own loop (issue 19's A/B).
     */
    public static final class Builder {
        private LoadMode mode = LoadMode.OPEN_LOOP;
        private double targetRatePerSecond = 1000;
        private Duration duration = Duration.ofSeconds(10);
        private Duration warmup = Duration.ofSeconds(2);
        private int connections = 8;
        private int inFlightLimit = 64;
        private int keyCount = 1000;
        private KeyDistribution keyDistribution = KeyDistribution.UNIFORM;
        private double zipfianTheta = 0.99;
        private int valueSizeBytes = 100;
        private OperationMix mix = OperationMix.writesOnly();
        private long seed = 1;
        private Duration operationTimeout = Duration.ofSeconds(5);
        private int senderThreads = 1;
        private LoadPacing pacing = LoadPacing.TARGET_EVENT_LOOP;

        public Builder mode(LoadMode value) { mode = value; return this; }
        public Builder targetRatePerSecond(double value) { targetRatePerSecond = value; return this; }
        public Builder duration(Duration value) { duration = value; return this; }
        public Builder warmup(Duration value) { warmup = value; return this; }
        public Builder connections(int value) { connections = value; return this; }
        public Builder inFlightLimit(int value) { inFlightLimit = value; return this; }
        public Builder keyCount(int value) { keyCount = value; return this; }
        public Builder keyDistribution(KeyDistribution value) { keyDistribution = value; return this; }
        public Builder zipfianTheta(double value) { zipfianTheta = value; return this; }
        public Builder valueSizeBytes(int value) { valueSizeBytes = value; return this; }
        public Builder mix(OperationMix value) { mix = value; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder operationTimeout(Duration value) { operationTimeout = value; return this; }
        public Builder senderThreads(int value) { senderThreads = value; return this; }
        public Builder pacing(LoadPacing value) { pacing = value; return this; }

        public LoadSpec build() {
            return new LoadSpec(mode, targetRatePerSecond, duration, warmup, connections, inFlightLimit, keyCount,
                    keyDistribution, zipfianTheta, valueSizeBytes, mix, seed, operationTimeout, senderThreads, pacing);
        }
    }
}
