package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.chaos.history.Outcome;
import io.kvbench.chaos.probe.PolledLeader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

import static io.kvbench.chaos.campaign.Campaign.millis;
import static io.kvbench.chaos.campaign.Campaign.seconds;

/**
 * A campaign's trials timed after the fact: each {@link TrialRunner.Trial} becomes an elections.csv row
 * ({@link TrialRecord}), its election read from the nodes' own event logs where the target writes them (role
 * changes, {@code peer_closed}, {@code leader_ready}, on the campaign's clock) and from what the probe or the
 * campaign polled otherwise.
 */
final class TrialTiming {
    private TrialTiming() {
    }

    /** Server-side times from the event logs where the target writes them; the polled times otherwise. */
    static List<TrialRecord> of(CampaignSpec spec, Cluster cluster, List<TrialRunner.Trial> trials, Workload workload)
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
        for (TrialRunner.Trial trial : trials) {
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
            records.add(TrialRecord.builder().trial(trial.number(), trial.seed(), spec.fault(), trial.victim())
                    .leaders(trial.oldLeader().nodeId(), oldTerm, newLeader, newTerm)
                    .faultNanos(fault, trial.healNanos()).faultCommandMillis(millis(trial.injectedNanos() - fault))
                    .faultStartSeconds(seconds(fault - workload.startNanos()))
                    .recoveredSeconds(trial.firstAckNanos().isPresent()
                            ? seconds(trial.firstAckNanos().getAsLong() - workload.startNanos()) : Double.NaN)
                    .faultToDetectMillis(toDetect).faultToCandidateMillis(toCandidate).faultToLeaderMillis(toLeader)
                    .faultToLeaderErrorMillis(leaderError).faultToLeaderReadyMillis(toLeaderReady)
                    .faultToFirstAckMillis(toAck).faultToFirstCheckedAckMillis(toCheckedAck).leaderFromEventLog(fromLog)
                    .writes(failed, timedOut).recovered(recovered)
                    .probe(trial.probe().writes(), millis(trial.probe().maxGapNanos()),
                            trial.probe().cpuNanos() < 0 ? Double.NaN : millis(trial.probe().cpuNanos()),
                            trial.probe().freshConnections())
                    .build());
        }
        return records;
    }

    /**
     * When a node other than the old leader first showed it had lost the leader: its connection from the leader
     * closed (after a kill: once the kernel has torn the process down) or it started a pre-vote or vote, while the
     * fault was in effect. Empty when no node showed either.
     */
    private static OptionalLong firstSignOfLostLeader(List<EventLogReader.RoleEvent> roles, List<EventLogReader.NodeEvent> milestones,
                                              TrialRunner.Trial trial, long oldTerm) {
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
}
