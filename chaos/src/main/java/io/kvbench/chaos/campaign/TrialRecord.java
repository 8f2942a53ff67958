package io.kvbench.chaos.campaign;

/**
 * One trial: one elections.csv row. Times in milliseconds from the fault; {@code NaN} = not measured. Node
 * ids and terms are -1 when unknown.
 *
 * @param leaderFromEventLog true when the new leader and its time come from the nodes' event logs (kvnode);
 *                           false when from status polling (etcd, or no event) - polling adds up to its period
 * @param faultCommandMillis how long injecting the fault took (a signal: well under 1 ms; a described cluster's
 *                           command: its whole run, ssh included); the fault landed somewhere inside it
 * @param recovered          a leader (if one was lost) and an acknowledged write were seen before the timeout
 * @param faultNanos         {@link System#nanoTime()} when the fault call began, comparable with the kvnode event
 *                           logs' {@code mono_ns} on the same machine (the times above count from it)
 * @param healNanos          {@link System#nanoTime()} when the heal call began
 * @param faultToDetectMillis first sign on another node that the leader was lost (its connection closed, or a
 *                           pre-vote or vote began), from the event logs; NaN without them
 * @param faultToLeaderReadyMillis the new leader committed the first entry of its term (it serves from then on),
 *                           from its event log's {@code leader_ready} (kvnode), or the first status poll showing it
 *                           applied an entry of its new term (etcd); NaN without either
 * @param faultToFirstAckMillis the failover probe's figure (io.kvbench.chaos.probe.FirstAckRule): the earliest
 *                           acknowledgement of a probe write invoked after the fault; no client timeout bounds it
 * @param faultToFirstCheckedAckMillis the old rule, kept for comparison: the first acknowledged write of the
 *                           campaign's checked writers invoked after the fault, which can wait out their attempt timeout
 * @param faultToLeaderErrorMillis where status polling timed the leader (etcd): how long before the leader time
 *                           the change may have happened (the last poll of the new leader that said otherwise
 *                           left that much earlier); NaN where event logs timed it or polling did not see it
 * @param probeWrites        probe writes sent in the trial
 * @param probeMaxGapMillis  the longest stretch from the fault to the first acknowledgement without a probe round
 *                           starting: the figure's resolution in this trial
 * @param probeCpuMillis     CPU time the probe's thread used from the fault until it stopped writing (its first
 *                           acknowledgement that counts, once known); NaN if not measured
 * @param probeFreshConnections probe writes that found no open connection ready and waited for a connect (etcd's
 *                           HTTP/1.1 carries one request per connection; kvnode pipelines, always 0)
 */
public record TrialRecord(int trial, long seed, FaultKind fault, int victim, int oldLeader, long oldTerm, int newLeader,
                          long newTerm, double faultToCandidateMillis, double faultToLeaderMillis,
                          double faultToFirstAckMillis, long writesFailed, long writesTimedOut, double faultStartSeconds,
                          double recoveredSeconds, double faultCommandMillis, boolean leaderFromEventLog,
                          boolean recovered, long faultNanos, long healNanos, double faultToDetectMillis,
                          double faultToLeaderReadyMillis, double faultToFirstCheckedAckMillis,
                          double faultToLeaderErrorMillis, int probeWrites, double probeMaxGapMillis,
                          double probeCpuMillis, int probeFreshConnections) {

    /** Whether {@code monoNanos} (an event log's {@code mono_ns}) falls while the fault was in effect, heal excluded. */
    public boolean duringFault(long monoNanos) {
        return monoNanos - faultNanos >= 0 && monoNanos - healNanos < 0;
    }

    public long termsElapsed() {
        return newTerm >= 0 && oldTerm >= 0 ? newTerm - oldTerm : -1;
    }
}
