package io.kvbench.sim;

import io.kvbench.raft.Mutation;

/**
 * Runs many seeds from the command line: {@code SimulationMain [firstSeed] [count] [mutation] [storage]}; with
 * {@code storage}, the crash mixes' seeds with storage faults (StorageFaultsSimulationTest's sweep).
 * Prints every failing seed with its replay command and exits 1 if any failed.
 */
public final class SimulationMain {
    public static void main(String[] args) {
        long first = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Mutation mutation = args.length > 2 ? Mutation.valueOf(args[2]) : Mutation.NONE;
        boolean storageFaults = args.length > 3 && args[3].equals("storage");
        SeedSweep sweep = SeedSweep.run(first, count, mutation, storageFaults);
        System.out.println(sweep.summary());
        sweep.failures().stream().limit(20).forEach(r -> System.out.println("FAIL " + r.describe() + "\n  " + r.options().replayHint()));
        System.exit(sweep.failures().isEmpty() ? 0 : 1);
    }
}
