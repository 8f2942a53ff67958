package io.kvbench.sim;

import io.kvbench.raft.Mutation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash mixes again, now with storage faults (docs/storage-recovery.md): a node loses its whole storage and is
 * rebuilt as {@code kvbench node-rebuild} does (the others' highest term with a vote for itself, a vote fence at their
 * highest last index), crashes tear a hard state write in one copy, and bits flip in a stopped node's hard state
 * file. The nodes run the production driver (ReplicaDriver) on SimDisk, whose hard state file is read back by the
 * WAL's own rule (HardStateCopies). Every invariant holds after every event, term and vote never come back older,
 * and only a rebuilt node ever reports a log shorter than it acknowledged. {@code -Dsim.storageSeeds=N} sets the
 * count of seeds tried (those of the crash mixes run: two in five).
 */
class StorageFaultsSimulationTest {
    @Test
    void everySeedKeepsEveryInvariantWhenNodesLoseTheirStorage() {
        int seeds = Integer.getInteger("sim.storageSeeds", 500);
        SeedSweep sweep = SeedSweep.run(1, seeds, Mutation.NONE, true);
        System.out.println("storage faults: " + sweep.summary());
        StringBuilder failures = new StringBuilder();
        sweep.failures().stream().limit(10)
                .forEach(r -> failures.append("\n").append(r.describe()).append("\n  ").append(r.options().replayHint()));
        assertThat(sweep.failures()).as("failing seeds:%s", failures).isEmpty();
        // The storage faults happened, on the production driver: nodes were rebuilt, and restarts read a hard state
        // file with a damaged copy (torn by a crash or flipped at rest) and went on from the other copy.
        assertThat(sweep.results().stream().mapToLong(SimResult::rebuilds).sum()).as("nodes rebuilt").isGreaterThan(seeds / 4);
        assertThat(sweep.results().stream().mapToLong(SimResult::damagedHardStateRestarts).sum())
                .as("restarts on a damaged hard state copy").isGreaterThan(sweep.results().size() / 10);
        assertThat(sweep.results().stream().mapToLong(SimResult::acknowledgedWrites).sum()).isGreaterThan(seeds * 4L);
    }

    /**
     * The fence matters only while a rebuilt node's log is short and an election comes before it catches up: about
     * one crash-mix seed in seventy reaches that, so the sweep is twice the invariant sweep's (400 crash-mix seeds).
     */
    @Test
    void aRebuiltNodeThatIgnoresItsVoteFenceIsCaughtBySomeSeed() {
        SeedSweep sweep = SeedSweep.run(1, 1000, Mutation.IGNORE_VOTE_FENCE, true);
        System.out.println(Mutation.IGNORE_VOTE_FENCE + ": " + sweep.failures().size() + " of " + sweep.results().size()
                + " seeds caught it; first: " + sweep.failures().stream().limit(8).map(r -> String.valueOf(r.options().seed())).toList());
        sweep.failures().stream().limit(1).forEach(r -> System.out.println("  " + r.describe() + "\n  " + r.options().replayHint()));
        assertThat(sweep.failures()).isNotEmpty();
    }
}
