package io.kvbench.sim;

import java.util.List;

/**
 * What one simulated run saw. {@code unsyncedRecordsLost}: log records written but not yet fsynced when their node
 * crashed, lost; {@code tornRecords}: of those, the crashes that tore the first lost record (see SimDisk);
 * {@code storageFailures}: failed fsyncs or snapshot writes, after each of which a node fail-stopped and restarted
 * later on the same disk; {@code rebuilds}: nodes that lost their storage and were rebuilt;
 * {@code damagedHardStateRestarts}: restarts that read a hard state file with a damaged copy (torn by a crash or a
 * bit flipped at rest) and went on from the other (rebuilds and bit flips with storage faults only).
 * {@code snapshotsReceived}: snapshots followers installed from their leader, streamed in chunks; {@code
 * quotaRefusals}: writes refused for the state's quota, counted once per client answer; {@code damagedTransfers}:
 * received snapshots whose bytes failed the follower's check and were sent again.
 */
public record SimResult(SimOptions options, List<Violation> violations, long events, long acknowledgedWrites,
                        long readsServed, long leaderChanges, long maxTerm, long finalCommitIndex,
                        long unsyncedRecordsLost, long tornRecords, long storageFailures, long rebuilds,
                        long damagedHardStateRestarts, long snapshotsReceived, long quotaRefusals, long damagedTransfers) {
    public boolean passed() {
        return violations.isEmpty();
    }

    public String describe() {
        return "seed " + options.seed() + " " + options.faults() + " n=" + options.nodeCount() + ": "
                + (passed() ? "ok" : violations.size() + " violation(s), first: " + violations.get(0))
                + " [events=" + events + " acked=" + acknowledgedWrites + " reads=" + readsServed
                + " leaders=" + leaderChanges + " term=" + maxTerm + " commit=" + finalCommitIndex
                + " unsynced lost=" + unsyncedRecordsLost + " torn=" + tornRecords + " storage failures=" + storageFailures
                + (options.storageFaults() ? " rebuilds=" + rebuilds : "")
                + " damaged hard state restarts=" + damagedHardStateRestarts
                + " snapshots received=" + snapshotsReceived + " quota refusals=" + quotaRefusals
                + " damaged transfers=" + damagedTransfers + "]";
    }
}
