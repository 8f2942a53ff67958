package io.kvbench.chaos.campaign;

import io.kvbench.chaos.probe.FailoverProbe;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One campaign: which fault, how many trials, how far apart, and the load. Build with {@link #builder()}.
 *
 * @param runId             names the run in every file
 * @param gitSha            commit under test, for elections.csv and run.json ("" if unknown)
 * @param fault             the nemesis
 * @param trials            faults to inject
 * @param trialInterval     a trial starts at most this often (the next waits for the previous to heal and settle)
 * @param downtime          from the fault to its heal (restart, SIGCONT); the heal also waits for recovery
 * @param seed              seeds the schedule (the point in the heartbeat interval, victims) and the workload
 * @param uniqueWriters     threads writing unique keys {@code c<process>-<seq>} (lost-write and duplicate checks)
 * @param registerClients   threads doing put/get/cas on a few registers (linearizability check)
 * @param registerKeys      registers {@code r0..r<n-1>}
 * @param ratePerThread     operations per second each thread intends (latency counts from the intended time)
 * @param generatorRatePerSecond writes per second of bench's open-loop LoadGenerator, run beside the history
 *                          workload for the whole campaign (files in load/, see {@link CampaignLoad}); 0 = none
 * @param attemptTimeout    the client's wait for one answer before failing over; at most {@code operationTimeout}
 * @param operationTimeout  the client's budget for one operation; then a write is UNKNOWN and a read FAIL (short
 *                          deadlines make indeterminate outcomes occur: {@code kvbench chaos --op-timeout-ms})
 * @param recoveryTimeout   a trial that has no new leader and no acknowledged write by then fails
 * @param settle            after the heal, time to let the cluster settle (the healed node catch up) before the next trial
 * @param clientFanOut      kvnode clients send a retry to every node while the leader is unknown
 *                          ({@code KvClientOptions.failoverFanOut}); off: one node at a time, redirects followed
 * @param probeInterval     the failover probe's round interval ({@code io.kvbench.chaos.probe.FailoverProbe}): fresh
 *                          writes to every node this often from a fault until one is acknowledged; at most 2 ms
 */
public record CampaignSpec(String runId, String gitSha, FaultKind fault, int trials, Duration trialInterval,
                           Duration downtime, long seed, int uniqueWriters, int registerClients, int registerKeys,
                           double ratePerThread, double generatorRatePerSecond, Duration attemptTimeout,
                           Duration operationTimeout, Duration recoveryTimeout, Duration settle, boolean clientFanOut,
                           Duration probeInterval) {

    public CampaignSpec {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(gitSha, "gitSha");
        Objects.requireNonNull(fault, "fault");
        if (trials < 1) throw new IllegalArgumentException("trials must be >= 1");
        if (uniqueWriters < 1) throw new IllegalArgumentException("need at least one unique-key writer");
        if (registerClients < 0 || (registerClients > 0 && registerKeys < 1)) throw new IllegalArgumentException("registers");
        if (ratePerThread <= 0) throw new IllegalArgumentException("ratePerThread must be > 0");
        if (!(generatorRatePerSecond >= 0) || Double.isInfinite(generatorRatePerSecond)) {
            throw new IllegalArgumentException("generatorRatePerSecond must be >= 0 (0 = no load generator): " + generatorRatePerSecond);
        }
        if (!isPositive(attemptTimeout) || !isPositive(operationTimeout) || attemptTimeout.compareTo(operationTimeout) > 0) {
            throw new IllegalArgumentException("timeouts must be positive, the attempt's no longer than the operation's: attempt "
                    + attemptTimeout + ", operation " + operationTimeout);
        }
        Objects.requireNonNull(probeInterval, "probeInterval");
        FailoverProbe.requireInterval(probeInterval);
    }

    private static boolean isPositive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    /** The checked clients' default deadlines, which the load generator keeps whatever theirs are. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofMillis(300);
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(5);

    public static Builder builder() {
        return new Builder();
    }

    /** Offered load, operations per second: the history workload's threads plus the load generator. */
    public double loadRate() {
        return ratePerThread * (uniqueWriters + registerClients) + generatorRatePerSecond;
    }

    /** The probe interval in milliseconds, fractions kept (run.json {@code probeIntervalMillis}). */
    public double probeIntervalMillis() {
        return probeInterval.toNanos() / 1e6;
    }

    public boolean hasLoadGenerator() {
        return generatorRatePerSecond > 0;
    }

    public Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("runId", runId);
        map.put("gitSha", gitSha);
        map.put("fault", fault.label());
        map.put("trials", trials);
        map.put("trialIntervalMillis", trialInterval.toMillis());
        map.put("downtimeMillis", downtime.toMillis());
        map.put("seed", seed);
        map.put("uniqueWriters", uniqueWriters);
        map.put("registerClients", registerClients);
        map.put("registerKeys", registerKeys);
        map.put("ratePerThread", ratePerThread);
        map.put("generatorRatePerSecond", generatorRatePerSecond);
        map.put("loadRate", loadRate());
        map.put("attemptTimeoutMillis", attemptTimeout.toMillis());
        map.put("operationTimeoutMillis", operationTimeout.toMillis());
        map.put("recoveryTimeoutMillis", recoveryTimeout.toMillis());
        map.put("settleMillis", settle.toMillis());
        map.put("clientFanOut", clientFanOut);
        map.put("probeIntervalMillis", probeIntervalMillis());
        return map;
    }

    /**
     * Defaults: 10 leader kills 2 s apart, 500 ms downtime, 2 unique writers + 2 register clients at 100/s each,
     * no load generator.
     */
    public static final class Builder {
        private String runId = "campaign-" + System.currentTimeMillis();
        private String gitSha = "";
        private FaultKind fault = FaultKind.KILL_LEADER;
        private int trials = 10;
        private Duration trialInterval = Duration.ofSeconds(2);
        private Duration downtime = Duration.ofMillis(500);
        private long seed = 1;
        private int uniqueWriters = 2;
        private int registerClients = 2;
        private int registerKeys = 3;
        private double ratePerThread = 100;
        private double generatorRatePerSecond = 0;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
        private Duration recoveryTimeout = Duration.ofSeconds(10);
        private Duration settle = Duration.ofMillis(300);
        private boolean clientFanOut = true;
        private Duration probeInterval = FailoverProbe.DEFAULT_INTERVAL;

        public Builder runId(String value) { runId = value; return this; }
        public Builder gitSha(String value) { gitSha = value; return this; }
        public Builder fault(FaultKind value) { fault = value; return this; }
        public Builder trials(int value) { trials = value; return this; }
        public Builder trialInterval(Duration value) { trialInterval = value; return this; }
        public Builder downtime(Duration value) { downtime = value; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder uniqueWriters(int value) { uniqueWriters = value; return this; }
        public Builder registerClients(int value) { registerClients = value; return this; }
        public Builder registerKeys(int value) { registerKeys = value; return this; }
        public Builder ratePerThread(double value) { ratePerThread = value; return this; }
        public Builder generatorRatePerSecond(double value) { generatorRatePerSecond = value; return this; }
        public Builder attemptTimeout(Duration value) { attemptTimeout = value; return this; }
        public Builder operationTimeout(Duration value) { operationTimeout = value; return this; }

        /** The operation's deadline, and an attempt's at most as long (300 ms by default). */
        public Builder operationDeadline(Duration value) {
            operationTimeout = value;
            if (attemptTimeout.compareTo(value) > 0) attemptTimeout = value;
            return this;
        }
        public Builder recoveryTimeout(Duration value) { recoveryTimeout = value; return this; }
        public Builder settle(Duration value) { settle = value; return this; }
        public Builder clientFanOut(boolean value) { clientFanOut = value; return this; }
        public Builder probeInterval(Duration value) { probeInterval = value; return this; }

        public CampaignSpec build() {
            return new CampaignSpec(runId, gitSha, fault, trials, trialInterval, downtime, seed, uniqueWriters,
                    registerClients, registerKeys, ratePerThread, generatorRatePerSecond, attemptTimeout, operationTimeout, recoveryTimeout, settle, clientFanOut,
                    probeInterval);
        }
    }
}
