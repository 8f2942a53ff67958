package io.kvbench.chaos.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.chaos.history.History;
import io.kvbench.chaos.history.HistoryRecorder;
import io.kvbench.chaos.history.Outcome;
import io.kvbench.chaos.history.Verdict;
import io.kvbench.chaos.history.Violation;
import io.kvbench.chaos.probe.FailoverProbe;
import io.kvbench.chaos.probe.PolledLeader;
import io.kvbench.chaos.probe.ProbeResult;
import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import io.kvbench.net.NettyResources;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A chaos campaign: continuous load, a fault every trial interval at a random point in the heartbeat interval
 * (Raft paper §9.3), each election timed, the first acknowledged write after each fault timed by the failover probe
 * ({@link FailoverProbe}: fresh writes to every node, no client timeout in the way), then the history checked. See
 * docs/results-format.md for the files: history.csv, elections.csv, faults.csv, timeseries.csv, writes.hlog,
 * election.hgrm, unavailability.hgrm,
 * percentiles.csv, summary.csv, verdict.txt, run.json, and load/ from the optional load generator ({@link CampaignLoad}).
 */
public final class Campaign {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String ETCD = "etcd";
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
                Target load = spec.hasLoadGenerator() ? new EtcdTarget(urls, CampaignLoad.CONNECTIONS, spec.operationTimeout(),
                        spec.attemptTimeout(), EtcdTarget.DEFAULT_UNHEALTHY_BACKOFF) : null;
                return run(spec, cluster, outputDirectory, process -> new EtcdChaosClient(target, spec.operationTimeout().toMillis() + 1000), load,
                        progress);
            }
        }
        Map<Integer, InetSocketAddress> addresses = new LinkedHashMap<>();
        cluster.nodeIds().forEach(id -> addresses.put(id, cluster.clientAddress(id)));
        KvClientOptions clientOptions = KvClientOptions.builder().attemptTimeoutMillis(spec.attemptTimeout().toMillis())
                .operationTimeoutMillis(spec.operationTimeout().toMillis()).retryBackoffMillis(1, 10)
                .failoverFanOut(spec.clientFanOut()).build();
        Target load = spec.hasLoadGenerator() ? new KvnodeTarget(new ArrayList<>(addresses.values()), CampaignLoad.CONNECTIONS,
                clientOptions.withMaxInFlight(CampaignLoad.inFlightPerConnection(spec))) : null;
        try (NettyResources netty = new NettyResources("chaos-clients", 1, true, CLIENT_THREAD_PRIORITY)) {
            return run(spec, cluster, outputDirectory, process -> new KvClientChaosClient(
                    KvClient.await(KvClient.connect(new ArrayList<>(addresses.values()), clientOptions, netty)), addresses), load,
                    progress);
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
        List<Trial> trials = new ArrayList<>();
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
                awaitAck(workload, workload.startNanos(), spec.recoveryTimeout());
                long lastStart = System.nanoTime() - spec.trialInterval().toNanos();
                for (int number = 1; number <= spec.trials(); number++) {
                    long wait = lastStart + spec.trialInterval().toNanos() - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    lastStart = System.nanoTime();
                    Trial trial = runTrial(number, spec, cluster, nemesis, workload, probe, schedule.nextLong());
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
            finalState = reader.readAll(finalKeys);
        }
        List<NodeAudit.Report> audit = NodeAudit.collect(cluster, spec.recoveryTimeout());
        SafetyChecks.Report safety = SafetyChecks.run(spec, keys, history, finalState, workload.completed(), audit, cluster.targetName());
        List<TrialRecord> records = timeTrials(spec, cluster, trials, workload);
        return write(spec, cluster, outputDirectory, records, workload, safety, history, Optional.ofNullable(loadSummary),
                startedAt, endNanos, audit, targetLabel);
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

    /**
     * What one trial saw before its timings are read from the event logs. {@code newLeader}: the leader elected
     * after the fault when one was expected, else the leader seen at the end of the downtime.
     */
    private record Trial(int number, long seed, int victim, LeaderInfo oldLeader, boolean expectsElection, long faultNanos,
                         long injectedNanos, long faultCertainNanos, Optional<LeaderInfo> newLeader, long leaderSeenNanos,
                         OptionalLong firstAckNanos, ProbeResult probe, long healNanos, long endNanos) {
        /** A write was acknowledged again after the fault, and the new leader was seen where one was expected. */
        boolean recovered() {
            return firstAckNanos.isPresent() && (!expectsElection || newLeader.isPresent());
        }
    }

    /** Before each fault, off its critical path: the probe's connections (and kvnode sessions) made ready. */
    private static final Duration PROBE_PREPARE_TIMEOUT = Duration.ofSeconds(5);

    private static Trial runTrial(int number, CampaignSpec spec, Cluster cluster, Nemesis nemesis, Workload workload,
                                  FailoverProbe probe, long seed) throws IOException, InterruptedException {
        Random random = new Random(seed);
        LeaderInfo leader = cluster.awaitLeader(spec.recoveryTimeout());
        int victim = nemesis.chooseVictim(cluster, leader, random);
        boolean expectsElection = nemesis.expectsElection();
        probe.prepare(PROBE_PREPARE_TIMEOUT);
        // §9.3: the fault lands at a uniformly random point of the leader's heartbeat interval.
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(cluster.timing().heartbeatMillis() * 1000)));
        long faultNanos = System.nanoTime();
        // The probe's rounds start with the fault; only its writes invoked once the fault is certain count (below).
        FailoverProbe.Trial probing = probe.start(faultNanos, leader.nodeId(), expectsElection);
        nemesis.inject(cluster, leader, victim);
        long injectedNanos = System.nanoTime();
        // Times count from the call (never understating); the first acknowledged write must be invoked once the
        // fault was certainly in effect, not one the old leader acknowledged while it was still landing. A signal
        // lands when it leaves, which can be milliseconds after the call on a busy machine (seen: writes invoked
        // 0.7 ms after the call, acknowledged by the old leader 4 ms after it).
        long faultCertainNanos = nemesis.landsWhenCalled(cluster)
                ? cluster.signalSentNanos(victim).stream().filter(sent -> sent - faultNanos >= 0).findFirst().orElse(faultNanos)
                : injectedNanos;
        probing.countFrom(faultCertainNanos);
        long deadline = faultNanos + spec.recoveryTimeout().toNanos();

        // a leader other than the victim, at a higher term where both terms are known
        Predicate<LeaderInfo> elected = next -> next.nodeId() != victim
                && (!leader.termKnown() || !next.termKnown() || next.term() > leader.term());
        Optional<LeaderInfo> newLeader = Optional.empty();
        long leaderSeenNanos = -1;
        OptionalLong firstAck = OptionalLong.empty();
        // Where every node times the election itself (event logs), the gap is left alone: asking each node for
        // its status every 5 ms woke all three event loops and the probe's thread on two cores while the
        // survivors were electing (interleaved 3 x 30 kills: unavailability p50 22.1 vs 24.9 ms). The new leader is
        // looked up once a write is acknowledged again, and that lookup times nothing: an election the event logs
        // miss is left without a time rather than given the lookup's. Where the probe polls status in its rounds
        // (etcd), those polls time the leader. The first acknowledged write is the probe's either way.
        boolean quietGap = timesFromEventLogs(cluster);
        boolean probePollsLeader = !quietGap && probe.pollsLeader();
        if (quietGap || probePollsLeader) firstAck = probing.awaitFirstAck(deadline);
        if (probePollsLeader) {
            if (expectsElection) newLeader = probing.awaitLeader(deadline).map(id -> new LeaderInfo(id, LeaderInfo.UNKNOWN_TERM));
        } else {
            boolean lookedUp = false;
            while (expectsElection && (!lookedUp || System.nanoTime() - deadline < 0)) {
                lookedUp = true; // at least once, also when the first ack never came: the trial records who led
                Optional<LeaderInfo> seen = cluster.findLeader();
                if (seen.isPresent() && elected.test(seen.get())) {
                    newLeader = seen;
                    if (!quietGap) leaderSeenNanos = System.nanoTime();
                    break;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
        if (!quietGap && !probePollsLeader) firstAck = probing.awaitFirstAck(deadline);
        long healAt = faultNanos + spec.downtime().toNanos();
        long wait = healAt - System.nanoTime();
        if (wait > 0) LockSupport.parkNanos(wait);
        ProbeResult probed = probing.finish();
        if (firstAck.isPresent()) firstAck = probed.firstAckNanos(); // the rule's earliest, never later than awaited
        if (!expectsElection) {
            // No election was expected: record whether the leader is still the old one as the fault ends.
            newLeader = cluster.findLeader();
            leaderSeenNanos = System.nanoTime();
        }
        long healNanos = System.nanoTime();
        nemesis.heal(cluster, leader, victim);
        long healedNanos = System.nanoTime();
        cluster.awaitLeader(spec.recoveryTimeout());
        awaitAck(workload, healedNanos, spec.recoveryTimeout());
        LockSupport.parkNanos(spec.settle().toNanos());
        return new Trial(number, seed, victim, leader, expectsElection, faultNanos, injectedNanos, faultCertainNanos, newLeader,
                leaderSeenNanos, firstAck, probed, healNanos, System.nanoTime());
    }

    /** Every node writes an event log this machine can read: elections are timed from the nodes' own events. */
    private static boolean timesFromEventLogs(Cluster cluster) {
        return cluster.nodeIds().stream().allMatch(id -> cluster.eventLog(id).isPresent());
    }

    private static void awaitAck(Workload workload, long fromNanos, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (workload.firstAckAfter(fromNanos).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("no write acknowledged within " + timeout + (workload.errors().isEmpty() ? ""
                        : "; client errors: " + workload.errors()));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Server-side times from the event logs where the target writes them; the polled times otherwise. */
    private static List<TrialRecord> timeTrials(CampaignSpec spec, Cluster cluster, List<Trial> trials, Workload workload)
            throws IOException {
        List<EventLogReader.RoleEvent> events = new ArrayList<>();
        List<EventLogReader.NodeEvent> milestones = new ArrayList<>();
        boolean haveEventLogs = false;
        for (int id : cluster.nodeIds()) {
            Optional<Path> log = cluster.eventLog(id);
            if (log.isPresent()) {
                haveEventLogs = true;
                events.addAll(EventLogReader.roleEvents(log.get()));
                milestones.addAll(EventLogReader.events(log.get(), Set.of("peer_closed", "leader_ready")));
            }
        }
        List<Workload.Completed> completed = workload.completed();
        List<TrialRecord> records = new ArrayList<>();
        for (Trial trial : trials) {
            long fault = trial.faultNanos();
            double toCandidate = Double.NaN;
            double toLeader = Double.NaN;
            double toDetect = Double.NaN;
            double toLeaderReady = Double.NaN;
            int newLeader = trial.newLeader().map(LeaderInfo::nodeId).orElse(-1);
            long newTerm = trial.newLeader().filter(LeaderInfo::termKnown).map(LeaderInfo::term).orElse(-1L);
            boolean fromLog = false;
            boolean expectsElection = trial.expectsElection();
            if (haveEventLogs && trial.oldLeader().termKnown()) {
                long oldTerm = trial.oldLeader().term();
                // Without an expected election only one held under the fault counts (the heal may cause its own).
                Predicate<EventLogReader.RoleEvent> inTrial = event -> expectsElection || event.monoNanos() - trial.healNanos() < 0;
                Optional<EventLogReader.RoleEvent> candidate = EventLogReader.first(events, "CANDIDATE", oldTerm, fault).filter(inTrial);
                Optional<EventLogReader.RoleEvent> leader = EventLogReader.first(events, "LEADER", oldTerm, fault).filter(inTrial);
                if (candidate.isPresent()) toCandidate = millis(candidate.get().monoNanos() - fault);
                if (leader.isPresent()) {
                    toLeader = millis(leader.get().monoNanos() - fault);
                    newLeader = leader.get().node();
                    newTerm = leader.get().term();
                    fromLog = true;
                    for (EventLogReader.NodeEvent event : milestones) {
                        if (event.kind().equals("leader_ready") && event.node() == newLeader && event.term() == newTerm
                                && event.monoNanos() - fault >= 0) {
                            toLeaderReady = millis(event.monoNanos() - fault); // one per term and node
                        }
                    }
                }
                OptionalLong detected = firstSignOfLostLeader(events, milestones, trial, oldTerm);
                if (detected.isPresent()) toDetect = millis(detected.getAsLong() - fault);
            }
            double leaderError = Double.NaN;
            long oldTerm = trial.oldLeader().term();
            Optional<PolledLeader> polled = trial.probe().leader();
            if (expectsElection && !fromLog && polled.isPresent()) {
                PolledLeader seen = polled.get();
                toLeader = millis(seen.seenNanos() - fault);
                leaderError = millis(seen.errorNanos());
                newLeader = seen.node();
                if (seen.readyNanos().isPresent()) toLeaderReady = millis(seen.readyNanos().getAsLong() - fault);
                if (seen.newTerm() >= 0) newTerm = seen.newTerm();
                if (oldTerm < 0) oldTerm = trial.probe().oldTerm();
            } else if (expectsElection && !fromLog && trial.leaderSeenNanos() > 0) {
                toLeader = millis(trial.leaderSeenNanos() - fault);
            }
            double toAck = trial.firstAckNanos().isPresent() ? millis(trial.firstAckNanos().getAsLong() - fault) : Double.NaN;
            // The old rule, kept for comparison: the checked writers' first acknowledged write, which waits out
            // their attempt timeout whenever every writer is stuck on a write to a node that will never answer.
            OptionalLong checkedAck = workload.firstAckAfter(trial.faultCertainNanos());
            double toCheckedAck = checkedAck.isPresent() ? millis(checkedAck.getAsLong() - fault) : Double.NaN;
            long failed = 0;
            long timedOut = 0;
            for (Workload.Completed done : completed) {
                if (done.isWrite() && done.completeNanos() - fault >= 0 && done.completeNanos() - trial.endNanos() < 0) {
                    if (done.outcome() == Outcome.FAIL) failed++;
                    if (done.outcome() == Outcome.UNKNOWN) timedOut++;
                }
            }
            boolean recovered = trial.recovered();
            records.add(new TrialRecord(trial.number(), trial.seed(), spec.fault(), trial.victim(), trial.oldLeader().nodeId(),
                    oldTerm, newLeader, newTerm, toCandidate, toLeader, toAck, failed, timedOut,
                    seconds(fault - workload.startNanos()),
                    trial.firstAckNanos().isPresent() ? seconds(trial.firstAckNanos().getAsLong() - workload.startNanos()) : Double.NaN,
                    millis(trial.injectedNanos() - fault), fromLog, recovered, fault, trial.healNanos(), toDetect,
                    toLeaderReady, toCheckedAck, leaderError, trial.probe().writes(), millis(trial.probe().maxGapNanos()),
                    trial.probe().cpuNanos() < 0 ? Double.NaN : millis(trial.probe().cpuNanos()), trial.probe().freshConnections()));
        }
        return records;
    }

    /**
     * When a node other than the old leader first showed it had lost the leader: its connection from the leader
     * closed (after a kill: once the kernel has torn the process down) or it started a pre-vote or vote, while the
     * fault was in effect. Empty when no node showed either.
     */
    private static OptionalLong firstSignOfLostLeader(List<EventLogReader.RoleEvent> roles, List<EventLogReader.NodeEvent> milestones,
                                              Trial trial, long oldTerm) {
        long fault = trial.faultNanos();
        int oldLeader = trial.oldLeader().nodeId();
        long first = Long.MAX_VALUE;
        for (EventLogReader.NodeEvent event : milestones) {
            if (event.kind().equals("peer_closed") && event.peer() == oldLeader && event.node() != oldLeader
                    && event.monoNanos() - fault >= 0 && event.monoNanos() - trial.healNanos() < 0) {
                first = Math.min(first, event.monoNanos());
            }
        }
        for (EventLogReader.RoleEvent event : roles) {
            boolean campaigning = event.role().equals("PRE_CANDIDATE") || event.role().equals("CANDIDATE");
            if (campaigning && event.node() != oldLeader && event.term() >= oldTerm
                    && event.monoNanos() - fault >= 0 && event.monoNanos() - trial.healNanos() < 0) {
                first = Math.min(first, event.monoNanos());
            }
        }
        return first == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(first);
    }

    private static CampaignResult write(CampaignSpec spec, Cluster cluster, Path out, List<TrialRecord> records,
                                        Workload workload, SafetyChecks.Report safety, History history, Optional<LoadSummary> load,
                                        Instant startedAt, long endNanos, List<NodeAudit.Report> audit, String targetLabel)
            throws IOException {
        Verdict verdict = safety.verdict();
        Histogram election = new Histogram(3);
        Histogram unavailability = new Histogram(3);
        Histogram checkedFirstAck = new Histogram(3);
        for (TrialRecord record : records) {
            recordMillis(election, record.faultToLeaderMillis());
            recordMillis(unavailability, record.faultToFirstAckMillis());
            recordMillis(checkedFirstAck, record.faultToFirstCheckedAckMillis());
        }
        LatencySummary electionSummary = LatencySummary.of("election", election);
        LatencySummary unavailabilitySummary = LatencySummary.of("unavailability", unavailability);
        LatencySummary checkedSummary = LatencySummary.of(CHECKED_FIRST_ACK, checkedFirstAck);
        CampaignFiles.writeElections(out.resolve("elections.csv"), spec, cluster, records);
        CampaignFiles.writeFaults(out.resolve("faults.csv"), records);
        CampaignFiles.writeHgrm(out.resolve("election.hgrm"), election);
        CampaignFiles.writeHgrm(out.resolve("unavailability.hgrm"), unavailability);
        Map<String, Histogram> histograms = new LinkedHashMap<>(Map.of("election", election, "unavailability", unavailability,
                CHECKED_FIRST_ACK, checkedFirstAck));
        List<LatencySummary> summaries = new ArrayList<>(List.of(electionSummary, unavailabilitySummary, checkedSummary));
        load.ifPresent(summary -> {
            histograms.put("load_latency", summary.latencyMicros());
            summaries.add(LatencySummary.of("load_latency", summary.latencyMicros()));
        });
        CampaignFiles.writePercentiles(out.resolve("percentiles.csv"), histograms);
        CampaignFiles.writeSummary(out.resolve("summary.csv"), summaries, verdict, safety.checkers(), targetLabel);
        CampaignFiles.writeTimeseries(out.resolve("timeseries.csv"), workload.completed(), workload.startNanos(), endNanos);
        CampaignFiles.writeWritesLog(out.resolve("writes.hlog"), workload.completed(), workload.startNanos(), endNanos,
                System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - workload.startNanos()));
        long acknowledgedWrites = history.operations().stream().filter(op -> op.kind().isWrite() && op.outcome() == Outcome.OK).count();
        CampaignResult result = new CampaignResult(spec.runId(), cluster.targetName(), targetLabel, out, verdict, records,
                electionSummary, unavailabilitySummary, history.operations().size(), acknowledgedWrites, load, safety.checkers());
        String verdictText = (result.passed() ? "PASS" : "FAIL") + "\n"
                + "target: " + targetLabel + "\n"
                + "safety: " + verdict.describe() + "\n"
                + safety.checkers().stream().map(checker -> "  " + checker.describe() + "\n").collect(Collectors.joining())
                + "recovered: " + records.stream().filter(TrialRecord::recovered).count() + "/" + records.size() + " trials\n"
                + "operations: " + history.operations().size() + ", acknowledged writes: " + acknowledgedWrites + "\n"
                + NodeAudit.describe(audit, cluster.targetName()) + "\n"
                + electionSummary + "\n" + unavailabilitySummary + " (probe, every " + TargetLabel.millis(spec.probeInterval()) + " ms)\n"
                + checkedSummary + " (old rule: the checked writers, attempt timeout " + spec.attemptTimeout().toMillis() + " ms)\n"
                + load.map(summary -> CampaignLoad.describe(summary) + "\n").orElse("");
        Files.writeString(out.resolve("verdict.txt"), verdictText, StandardCharsets.UTF_8);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("runId", spec.runId());
        run.put("target", cluster.targetName());
        run.put("targetLabel", targetLabel);
        run.put("clusterSize", cluster.size());
        run.put("electionTimeoutMinMillis", cluster.timing().electionTimeoutMinMillis());
        run.put("electionTimeoutMaxMillis", cluster.timing().electionTimeoutMaxMillis());
        run.put("heartbeatMillis", cluster.timing().heartbeatMillis());
        boolean eventLogTimings = timesFromEventLogs(cluster);
        double pollMillis = leaderPollIntervalMillis(spec, eventLogTimings, records);
        run.put("leaderTiming", eventLogTimings ? "event-log" : "status-polling");
        if (!eventLogTimings) run.put("leaderPollIntervalMillis", pollMillis);
        run.put("probeIntervalMillis", spec.probeIntervalMillis());
        run.put("firstAckRule", "probe: fresh writes to every node every probeIntervalMillis from the fault; "
                + "fault to the earliest acknowledgement of one invoked after the fault (docs/results-format.md)");
        run.put("campaign", spec.describe());
        run.put("javaVersion", System.getProperty("java.version"));
        run.put("processors", Runtime.getRuntime().availableProcessors());
        run.put("osName", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        run.put("startedAt", startedAt.toString());
        run.put("loadStartNanos", workload.startNanos()); // zero of timeseries.csv and faults.csv on history.csv's clock
        run.put("endedAt", Instant.now().toString());
        run.put("passed", result.passed());
        run.put("verdict", verdict.describe());
        run.put("checkers", safety.checkers().stream().map(CheckerResult::toMap).toList());
        run.put("nodeAudit", audit);
        run.put("skipped", skippedChecks(cluster.targetName(), eventLogTimings, pollMillis, audit));
        run.put("election", electionSummary);
        run.put("unavailability", unavailabilitySummary);
        run.put(CHECKED_FIRST_ACK, checkedSummary);
        load.ifPresent(summary -> run.put("loadGenerator", CampaignLoad.describeForJson(summary)));
        JSON.writeValue(out.resolve("run.json").toFile(), run);
        return result;
    }

    /**
     * The kvnode-only checks and timings this run went without, each with the reason (empty when it had them all):
     * the nodes' write audit, and election times from the nodes' own event logs.
     */
    static Map<String, String> skippedChecks(String target, boolean eventLogTimings, double pollIntervalMillis, List<NodeAudit.Report> audit) {
        Map<String, String> skipped = new LinkedHashMap<>();
        boolean etcd = target.equals(ETCD);
        if (audit.isEmpty()) {
            skipped.put("nodeAudit", etcd ? NodeAudit.ETCD_REASON : "no node reports write-audit counts (kvnode --audit-writes)");
        }
        if (!eventLogTimings) {
            skipped.put("eventLogTimings", (etcd ? "etcd writes no role-change event log" : "no node event log readable here")
                    + "; elections timed by polling status every "
                    + java.math.BigDecimal.valueOf(pollIntervalMillis).stripTrailingZeros().toPlainString() + " ms");
        }
        return skipped;
    }

    private static void recordMillis(Histogram micros, double millis) {
        if (!Double.isNaN(millis)) micros.recordValue(Math.max(0, Math.round(millis * 1000)));
    }

    /**
     * How often status was polled where no event log times the leader: in the probe's rounds where it polls
     * (etcd: every trial's leader time carries its error bar), else every {@link #POLL_NANOS} by the campaign.
     */
    private static double leaderPollIntervalMillis(CampaignSpec spec, boolean eventLogTimings, List<TrialRecord> records) {
        if (eventLogTimings) return Double.NaN;
        boolean probePolled = records.stream().anyMatch(record -> !Double.isNaN(record.faultToLeaderErrorMillis()));
        return probePolled ? spec.probeIntervalMillis() : POLL_NANOS / 1e6;
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
