package io.kvbench.sim;

import java.util.List;

/** What one simulated run saw. */
public record SimResult(SimOptions options, List<Violation> violations, long events, long acknowledgedWrites,
                        long readsServed, long leaderChanges, long maxTerm, long finalCommitIndex, long rebuilds) {
    public boolean passed() {
        return violations.isEmpty();
    }

    public String describe() {
        return "seed " + options.seed() + " " + options.faults() + " n=" + options.nodeCount() + ": "
                + (passed() ? "ok" : violations.size() + " violation(s), first: " + violations.get(0))
                + " [events=" + events + " acked=" + acknowledgedWrites + " reads=" + readsServed
                + " leaders=" + leaderChanges + " term=" + maxTerm + " commit=" + finalCommitIndex
                + (rebuilds > 0 ? " rebuilds=" + rebuilds : "") + "]";
    }
}
