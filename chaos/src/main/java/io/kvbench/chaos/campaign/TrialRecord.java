package io.kvbench.chaos.campaign;

/**
 * One trial: one elections.csv row. Times in milliseconds from the fault; {@code NaN} = not measured. Node
 * ids and terms are -1 when unknown. Built with {@link #builder()}, every figure by its name (the canonical
 * constructor is the builder's: eleven of its components are doubles in a row).
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

    /** A builder whose figures start unmeasured: NaN times, -1 node ids and terms, zero counts. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code monoNanos} (an event log's {@code mono_ns}) falls while the fault was in effect, heal excluded. */
    public boolean duringFault(long monoNanos) {
        return monoNanos - faultNanos >= 0 && monoNanos - healNanos < 0;
    }

    public long termsElapsed() {
        return newTerm >= 0 && oldTerm >= 0 ? newTerm - oldTerm : -1;
    }

    /** Named settings for each component; {@link #build()} makes the record. */
    public static final class Builder {
        private int trial;
        private long seed;
        private FaultKind fault;
        private int victim = -1;
        private int oldLeader = -1;
        private long oldTerm = -1;
        private int newLeader = -1;
        private long newTerm = -1;
        private double faultToCandidateMillis = Double.NaN;
        private double faultToLeaderMillis = Double.NaN;
        private double faultToFirstAckMillis = Double.NaN;
        private long writesFailed;
        private long writesTimedOut;
        private double faultStartSeconds = Double.NaN;
        private double recoveredSeconds = Double.NaN;
        private double faultCommandMillis = Double.NaN;
        private boolean leaderFromEventLog;
        private boolean recovered;
        private long faultNanos;
        private long healNanos;
        private double faultToDetectMillis = Double.NaN;
        private double faultToLeaderReadyMillis = Double.NaN;
        private double faultToFirstCheckedAckMillis = Double.NaN;
        private double faultToLeaderErrorMillis = Double.NaN;
        private int probeWrites;
        private double probeMaxGapMillis = Double.NaN;
        private double probeCpuMillis = Double.NaN;
        private int probeFreshConnections;

        private Builder() {
        }

        /** Which trial: its number, seed, fault and the node the fault hit. */
        public Builder trial(int number, long trialSeed, FaultKind faultKind, int victimId) {
            trial = number; seed = trialSeed; fault = faultKind; victim = victimId; return this;
        }

        /** The leader before the fault and the one after it, with their terms. */
        public Builder leaders(int oldLeaderId, long oldLeaderTerm, int newLeaderId, long newLeaderTerm) {
            oldLeader = oldLeaderId; oldTerm = oldLeaderTerm; newLeader = newLeaderId; newTerm = newLeaderTerm; return this;
        }

        /** {@link System#nanoTime()} when the fault call began and when the heal call began. */
        public Builder faultNanos(long fault, long heal) { faultNanos = fault; healNanos = heal; return this; }
        public Builder faultCommandMillis(double value) { faultCommandMillis = value; return this; }
        public Builder faultStartSeconds(double value) { faultStartSeconds = value; return this; }
        public Builder recoveredSeconds(double value) { recoveredSeconds = value; return this; }
        public Builder faultToDetectMillis(double value) { faultToDetectMillis = value; return this; }
        public Builder faultToCandidateMillis(double value) { faultToCandidateMillis = value; return this; }
        public Builder faultToLeaderMillis(double value) { faultToLeaderMillis = value; return this; }
        public Builder faultToLeaderErrorMillis(double value) { faultToLeaderErrorMillis = value; return this; }
        public Builder faultToLeaderReadyMillis(double value) { faultToLeaderReadyMillis = value; return this; }
        public Builder faultToFirstAckMillis(double value) { faultToFirstAckMillis = value; return this; }
        public Builder faultToFirstCheckedAckMillis(double value) { faultToFirstCheckedAckMillis = value; return this; }
        public Builder leaderFromEventLog(boolean value) { leaderFromEventLog = value; return this; }
        /** Writes failed and writes timed out (outcome unknown) while the trial ran. */
        public Builder writes(long failed, long timedOut) { writesFailed = failed; writesTimedOut = timedOut; return this; }
        public Builder recovered(boolean value) { recovered = value; return this; }

        /** The failover probe's own figures for the trial. */
        public Builder probe(int writes, double maxGapMillis, double cpuMillis, int freshConnections) {
            probeWrites = writes; probeMaxGapMillis = maxGapMillis; probeCpuMillis = cpuMillis;
            probeFreshConnections = freshConnections; return this;
        }

        public TrialRecord build() {
            if (fault == null) throw new IllegalStateException("a trial record needs its trial(...)");
            return new TrialRecord(trial, seed, fault, victim, oldLeader, oldTerm, newLeader, newTerm, faultToCandidateMillis,
                    faultToLeaderMillis, faultToFirstAckMillis, writesFailed, writesTimedOut, faultStartSeconds,
                    recoveredSeconds, faultCommandMillis, leaderFromEventLog, recovered, faultNanos, healNanos,
                    faultToDetectMillis, faultToLeaderReadyMillis, faultToFirstCheckedAckMillis, faultToLeaderErrorMillis,
                    probeWrites, probeMaxGapMillis, probeCpuMillis, probeFreshConnections);
        }
    }
}
