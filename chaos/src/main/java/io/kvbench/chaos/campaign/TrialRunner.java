package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.chaos.probe.FailoverProbe;
import io.kvbench.chaos.probe.ProbeResult;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Runs a campaign's trials one at a time, each as the Raft paper's §9.3 method has it: the fault at a random point of
 * the heartbeat interval, the wait for a new leader (where one is expected) and the first acknowledged write
 * after it (the failover probe's), the downtime, the heal, and the wait until the cluster serves again. What a trial
 * saw is a {@link Trial}; its times are read from the event logs afterwards ({@link TrialTiming}).
 */
final class TrialRunner {
    /** How often the campaign polls where it must (a leader lookup, the history's next acknowledged write). */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Before each fault, off its critical path: the probe's connections (and kvnode sessions) made ready. */
    private static final Duration PROBE_PREPARE_TIMEOUT = Duration.ofSeconds(5);

    private final CampaignSpec spec;
    private final Cluster cluster;
    private final Nemesis nemesis;
    private final Workload workload;
    private final FailoverProbe probe;

    TrialRunner(CampaignSpec spec, Cluster cluster, Nemesis nemesis, Workload workload, FailoverProbe probe) {
        this.spec = spec;
        this.cluster = cluster;
        this.nemesis = nemesis;
        this.workload = workload;
        this.probe = probe;
    }

    /**
     * What one trial saw before its timings are read from the event logs. {@code newLeader}: the leader elected
     * after the fault when one was expected, else the leader seen at the end of the downtime.
     */
    record Trial(int number, long seed, int victim, LeaderInfo oldLeader, boolean expectsElection, long faultNanos,
                 long injectedNanos, long faultCertainNanos, Optional<LeaderInfo> newLeader, long leaderSeenNanos,
                 OptionalLong firstAckNanos, ProbeResult probe, long healNanos, long endNanos) {
        /** A write was acknowledged again after the fault, and the new leader was seen where one was expected. */
        boolean recovered() {
            return firstAckNanos.isPresent() && (!expectsElection || newLeader.isPresent());
        }
    }

    /** Runs trial {@code number}: the fault, the wait for a leader and a first acknowledged write, the heal. */
    Trial run(int number, long seed) throws IOException, InterruptedException {
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
    static boolean timesFromEventLogs(Cluster cluster) {
        return cluster.nodeIds().stream().allMatch(id -> cluster.eventLog(id).isPresent());
    }

    static void awaitAck(Workload workload, long fromNanos, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (workload.firstAckAfter(fromNanos).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("no write acknowledged within " + timeout + (workload.errors().isEmpty() ? ""
                        : "; client errors: " + workload.errors()));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
