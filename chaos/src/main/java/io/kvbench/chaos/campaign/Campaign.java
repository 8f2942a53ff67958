package io.kvbench.chaos.campaign;

import io.kvbench.bench.etcd.EtcdTarget;
import io.kvbench.bench.load.BackgroundLoad;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.target.KvnodeTarget;
import io.kvbench.bench.target.Target;
import io.kvbench.chaos.client.ChaosClient;
import io.kvbench.chaos.client.ClientOutcome;
import io.kvbench.chaos.client.EtcdChaosClient;
import io.kvbench.chaos.client.KvClientChaosClient;
import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.history.History;
import io.kvbench.chaos.history.HistoryRecorder;
import io.kvbench.chaos.probe.FailoverProbe;
import io.kvbench.client.KvClientOptions;
import io.kvbench.net.NettyResources;

import java.time.Duration;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * A chaos campaign: continuous load, a fault every trial interval at a random point in the heartbeat interval
 * (Raft paper §9.3), each election timed, the first acknowledged write after each fault timed by the failover probe
 * ({@link FailoverProbe}: fresh writes to every node, no client timeout in the way), then the history checked. This
 * class sets the clients, the probe and the load up and runs the whole; the trials run in {@link TrialRunner}, are
 * timed from the event logs by {@link TrialTiming}, and the files are written by {@link CampaignWriter}. See
 * docs/results-format.md for the files: history.csv, elections.csv, faults.csv, timeseries.csv, writes.hlog,
 * election.hgrm, unavailability.hgrm,
 * percentiles.csv, summary.csv, verdict.txt, run.json, and load/ from the optional load generator ({@link CampaignLoad}).
 */
public final class Campaign {
    static final String ETCD = "etcd";
    /** The old rule's figure, kept under its own name: the checked writers' first acknowledged write after a fault. */
    static final String CHECKED_FIRST_ACK = "checked_writers_first_ack";
    /**
     * The history's clients (their I/O thread and the workload threads) are the instrument that sees the first
     * acknowledged write, so they run at the priority the nodes' event loops and etcd's members run at (nice -5 with
     * {@code -XX:ThreadPriorityPolicy=1}, which {@code ./kvbench} passes when it runs as root; otherwise ignored).
     * The etcd client's event loop (bench's EtcdTarget) already runs at Netty's default, MAX_PRIORITY. At
     * normal priority they waited for the CPU behind a node restarted a second earlier: interleaved A/B, 3 x 30
     * kills, the new leader's first commit to the client's first ack p50 3.8/4.4/1.8 vs 1.2/2.4/1.3 ms.
     */
    static final int CLIENT_THREAD_PRIORITY = Thread.MAX_PRIORITY;

    private Campaign() {
    }

    /**
     * Runs against any cluster, with the client that fits its target: KvClient for kvnode, the etcd JSON gateway at
     * each member's {@link Cluster#clientUrl} for etcd (whether the campaign started the members or a cluster file
     * describes them); the load generator, if the spec has one, through the same client with the same attempt
     * timeout (bench's {@link KvnodeTarget} or {@link EtcdTarget}), so it fails over as the history's clients do.
     */
    public static CampaignResult run(CampaignSpec spec, Cluster cluster, Path outputDirectory) throws IOException, InterruptedException {
        return run(spec, cluster, outputDirectory, CampaignProgress.NONE);
    }

    /** As {@link #run(CampaignSpec, Cluster, Path)}, telling {@code progress} after each trial. */
    public static CampaignResult run(CampaignSpec spec, Cluster cluster, Path outputDirectory, CampaignProgress progress)
            throws IOException, InterruptedException {
        if (cluster.targetName().equals(ETCD)) {
            List<URI> urls = cluster.nodeIds().stream().map(cluster::clientUrl).toList();
            try (EtcdTarget target = new EtcdTarget(urls, 2, spec.operationTimeout(), spec.attemptTimeout(), EtcdTarget.DEFAULT_UNHEALTHY_BACKOFF)) {
                target.open();
                // The load generator measures latency, not outcomes: its deadlines stay the defaults (--op-timeout-ms
                // shortens the checked clients'); a short one would fail its connections before it starts.
                Target load = spec.hasLoadGenerator() ? new EtcdTarget(urls, CampaignLoad.CONNECTIONS, CampaignSpec.DEFAULT_OPERATION_TIMEOUT,
                        CampaignSpec.DEFAULT_ATTEMPT_TIMEOUT, EtcdTarget.DEFAULT_UNHEALTHY_BACKOFF) : null;
                return run(spec, cluster, outputDirectory, process -> new EtcdChaosClient(target, spec.operationTimeout().toMillis() + 1000), load,
                        progress);
            }
        }
        Map<Integer, InetSocketAddress> addresses = new LinkedHashMap<>();
        cluster.nodeIds().forEach(id -> addresses.put(id, cluster.clientAddress(id)));
        KvClientOptions clientOptions = KvClientOptions.builder().attemptTimeoutMillis(spec.attemptTimeout().toMillis())
                .operationTimeoutMillis(spec.operationTimeout().toMillis()).retryBackoffMillis(1, 10)
                .failoverFanOut(spec.clientFanOut()).build();
        // As for etcd: the load generator keeps the default deadlines, whatever the checked clients' (--op-timeout-ms).
        Target load = spec.hasLoadGenerator() ? new KvnodeTarget(new ArrayList<>(addresses.values()), CampaignLoad.CONNECTIONS,
                clientOptions.withAttemptTimeoutMillis(CampaignSpec.DEFAULT_ATTEMPT_TIMEOUT.toMillis())
                        .withOperationTimeoutMillis(CampaignSpec.DEFAULT_OPERATION_TIMEOUT.toMillis())
                        .withMaxInFlight(CampaignLoad.inFlightPerConnection(spec))) : null;
        try (NettyResources netty = new NettyResources("chaos-clients", 1, true, CLIENT_THREAD_PRIORITY)) {
            return run(spec, cluster, outputDirectory,
                    process -> KvClientChaosClient.connect(addresses, clientOptions, netty, spec.recoveryTimeout()), load, progress);
        }
    }

    /** Runs with clients from {@code clients} (one per process; process 0 reads the final state) and no load generator. */
    public static CampaignResult run(CampaignSpec spec, Cluster cluster, Path outputDirectory, IntFunction<ChaosClient> clients)
            throws IOException, InterruptedException {
        return run(spec, cluster, outputDirectory, clients, null);
    }

    /**
     * As {@link #run(CampaignSpec, Cluster, Path, IntFunction)}, with the load generator on {@code loadTarget}
     * (unopened; opened and closed here) when the spec has one. The history workload starts at the end of the
     * generator's warm-up, so both time series and faults.csv count seconds from the same instant.
     */
    public static CampaignResult run(CampaignSpec spec, Cluster cluster, Path outputDirectory, IntFunction<ChaosClient> clients,
                                     Target loadTarget) throws IOException, InterruptedException {
        return run(spec, cluster, outputDirectory, clients, loadTarget, CampaignProgress.NONE);
    }

    private static CampaignResult run(CampaignSpec spec, Cluster cluster, Path outputDirectory, IntFunction<ChaosClient> clients,
                                      Target loadTarget, CampaignProgress progress) throws IOException, InterruptedException {
        if (spec.hasLoadGenerator() && loadTarget == null) {
            throw new IllegalArgumentException("the spec asks for a load generator at " + spec.generatorRatePerSecond()
                    + " ops/s but no load target was given");
        }
        Files.createDirectories(outputDirectory);
        Instant startedAt = Instant.now();
        Nemesis nemesis = Nemesis.of(spec.fault());
        Random schedule = new Random(spec.seed());
        List<TrialRunner.Trial> trials = new ArrayList<>();
        cluster.awaitLeader(spec.recoveryTimeout());
        Workload workload;
        CampaignKeys keys = CampaignKeys.forRun(spec.runId());
        LoadSummary loadSummary = null;
        String targetLabel;
        try (FailoverProbe probe = FailoverProbe.open(cluster, keys.prefix(), spec.probeInterval(), CLIENT_THREAD_PRIORITY);
             Target openedLoadTarget = spec.hasLoadGenerator() ? open(loadTarget) : null;
             BackgroundLoad load = openedLoadTarget != null
                     ? CampaignLoad.start(spec, openedLoadTarget, outputDirectory.resolve("load")) : null;
             HistoryRecorder recorder = HistoryRecorder.create(outputDirectory.resolve("history.csv"))) {
            workload = new Workload(spec, keys, clients, recorder);
            workload.start(load != null ? load.measureStartNanos() : System.nanoTime());
            try {
                TrialRunner.awaitAck(workload, workload.startNanos(), spec.recoveryTimeout());
                TrialRunner runner = new TrialRunner(spec, cluster, nemesis, workload, probe);
                long lastStart = System.nanoTime() - spec.trialInterval().toNanos();
                for (int number = 1; number <= spec.trials(); number++) {
                    long wait = lastStart + spec.trialInterval().toNanos() - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    lastStart = System.nanoTime();
                    TrialRunner.Trial trial = runner.run(number, schedule.nextLong());
                    trials.add(trial);
                    progress.trialDone(number, spec.trials(), trial.recovered(), trial.firstAckNanos().isPresent()
                            ? OptionalDouble.of(millis(trial.firstAckNanos().getAsLong() - trial.faultNanos())) : OptionalDouble.empty());
                }
            } finally {
                // Both end together: the generator's schedule at once, then both drain what they sent.
                if (load != null) load.stop();
                workload.stop();
            }
            if (load != null) loadSummary = load.finish();
            targetLabel = TargetLabel.of(cluster, spec.gitSha(), probe.targetVersion(), spec.probeInterval());
        }
        long endNanos = System.nanoTime();
        History history = History.read(outputDirectory.resolve("history.csv"));
        Map<String, ClientOutcome> finalState;
        try (ChaosClient reader = clients.apply(0)) {
            List<String> finalKeys = new ArrayList<>(workload.uniqueKeys());
            finalKeys.addAll(workload.registerKeys());
            finalState = readFinalState(reader, finalKeys, spec.recoveryTimeout());
        }
        List<NodeAudit.Report> audit = NodeAudit.collect(cluster, spec.recoveryTimeout());
        SafetyChecks.Report safety = SafetyChecks.run(spec, keys, history, finalState, workload.completed(), audit, cluster.targetName());
        List<TrialRecord> records = TrialTiming.of(spec, cluster, trials, workload);
        return CampaignWriter.write(spec, cluster, outputDirectory, records, workload, safety, history, Optional.ofNullable(loadSummary),
                startedAt, endNanos, audit, targetLabel);
    }

    /**
     * The state read back for the checks. A read that failed (its deadline, the campaign's {@code --op-timeout-ms}, may
     * be short on purpose) is read again until {@code patience} passes: the faults have healed, and a key left unread
     * would leave the verdict undecided.
     */
    private static Map<String, ClientOutcome> readFinalState(ChaosClient reader, List<String> keys, Duration patience) {
        Map<String, ClientOutcome> state = new LinkedHashMap<>(reader.readAll(keys));
        long deadline = System.nanoTime() + patience.toNanos();
        List<String> failed = unread(state);
        while (!failed.isEmpty() && System.nanoTime() - deadline < 0) {
            state.putAll(reader.readAll(failed));
            failed = unread(state);
        }
        return state;
    }

    private static List<String> unread(Map<String, ClientOutcome> state) {
        return state.entrySet().stream().filter(entry -> !entry.getValue().ok()).map(Map.Entry::getKey).toList();
    }

    private static Target open(Target target) throws IOException {
        try {
            target.open();
        } catch (IOException | RuntimeException e) {
            target.close();
            throw e;
        }
        return target;
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static void printTo(PrintStream out, CampaignResult result) {
        out.println(result.verdict().describe());
    }
}
