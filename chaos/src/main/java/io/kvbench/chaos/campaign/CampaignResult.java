package io.kvbench.chaos.campaign;

import io.kvbench.bench.load.LoadSummary;
import io.kvbench.chaos.history.Verdict;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a campaign found. {@link #passed()} is the exit-code question: safe (every checker passed) and every
 * trial recovered.
 *
 * @param targetLabel    one line naming what was measured (version, settings, probe interval; {@link TargetLabel})
 * @param verdict        the checkers' combined verdict (lost writes, duplicates, linearizability)
 * @param trials         one per injected fault
 * @param election       fault to new leader
 * @param unavailability fault to the first acknowledged write, by the failover probe
 * @param operations     client operations in history.csv
 * @param load           the load generator's summary (files in load/), when the campaign ran one
 * @param checkers       each safety checker's result and counts, in the order they ran
 */
public record CampaignResult(String runId, String target, String targetLabel, Path outputDirectory, Verdict verdict, List<TrialRecord> trials,
                             LatencySummary election, LatencySummary unavailability, long operations,
                             long acknowledgedWrites, Optional<LoadSummary> load, List<CheckerResult> checkers) {
    public CampaignResult {
        trials = List.copyOf(trials);
        checkers = List.copyOf(checkers);
    }

    public boolean allRecovered() {
        return trials.stream().allMatch(TrialRecord::recovered);
    }

    public boolean passed() {
        return verdict.passed() && allRecovered();
    }

    /** 0 pass; 1 a safety violation (or undecided check); 3 a trial without recovery but safe. */
    public int exitCode() {
        if (!verdict.passed()) return 1;
        return allRecovered() ? 0 : 3;
    }
}
