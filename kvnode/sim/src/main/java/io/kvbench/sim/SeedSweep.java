package io.kvbench.sim;

import io.kvbench.raft.Mutation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Runs a range of seeds and tallies them by fault mix. */
public record SeedSweep(List<SimResult> results, List<SimResult> failures, long elapsedMillis) {

    public static SeedSweep run(long firstSeed, int count, Mutation mutation) {
        return run(firstSeed, count, mutation, false);
    }

    /** With {@code storageFaults}, only the seeds whose fault mix crashes nodes run (the others never lose storage). */
    public static SeedSweep run(long firstSeed, int count, Mutation mutation, boolean storageFaults) {
        return run(firstSeed, count, mutation, storageFaults, UnaryOperator.identity());
    }

    /** As above, each seed's options adjusted by {@code adjust} (a driver switch on, say). */
    public static SeedSweep run(long firstSeed, int count, Mutation mutation, boolean storageFaults,
                                UnaryOperator<SimOptions> adjust) {
        long start = System.nanoTime();
        List<SimResult> results = new ArrayList<>();
        List<SimResult> failures = new ArrayList<>();
        for (long seed = firstSeed; seed < firstSeed + count; seed++) {
            SimOptions options = adjust.apply(SimOptions.forSeed(seed).withMutation(mutation).withStorageFaults(storageFaults));
            if (storageFaults && !options.faults().crashes) continue;
            SimResult result = new Simulation(options).run();
            results.add(result);
            if (!result.passed()) failures.add(result);
        }
        return new SeedSweep(results, failures, (System.nanoTime() - start) / 1_000_000);
    }

    public String summary() {
        Map<FaultMix, long[]> byMix = new EnumMap<>(FaultMix.class);
        for (SimResult result : results) {
            long[] tally = byMix.computeIfAbsent(result.options().faults(), m -> new long[13]);
            tally[0]++;
            if (!result.passed()) tally[1]++;
            tally[2] += result.acknowledgedWrites();
            tally[3] += result.leaderChanges();
            tally[4] += result.readsServed();
            tally[5] += result.unsyncedRecordsLost();
            tally[6] += result.tornRecords();
            tally[7] += result.storageFailures();
            tally[8] += result.rebuilds();
            tally[9] += result.damagedHardStateRestarts();
            tally[10] += result.snapshotsReceived();
            tally[11] += result.quotaRefusals();
            tally[12] += result.damagedTransfers();
        }
        StringBuilder out = new StringBuilder("simulated " + results.size() + " seeds in " + elapsedMillis + " ms, "
                + failures.size() + " failed");
        byMix.forEach((mix, t) -> {
            out.append(String.format(Locale.ROOT,
                    "%n  %-10s seeds=%d failed=%d acked writes=%d reads=%d leaders elected=%d unsynced records lost=%d torn=%d"
                            + " snapshots received=%d quota refusals=%d damaged transfers=%d",
                    mix, t[0], t[1], t[2], t[4], t[3], t[5], t[6], t[10], t[11], t[12]));
            if (t[7] + t[8] + t[9] > 0) {
                out.append(String.format(Locale.ROOT,
                        " storage failures (fail-stop)=%d rebuilds=%d restarts on a damaged hard state copy=%d", t[7], t[8], t[9]));
            }
        });
        return out.toString();
    }
}
