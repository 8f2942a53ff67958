package io.kvbench.sim;

import io.kvbench.raft.Mutation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seed replays exactly: {@code -Dsim.replay=SEED} reruns one seed and prints what it saw ({@code
 * -Dsim.storageFaults=true}, {@code -Dsim.appendAcksPerTurn=true}, {@code -Dsim.tickAtNextDeadline=true} and {@code -Dsim.mutation=RULE} as a failing seed's replay hint says).
 */
class SimulationReplayTest {
    @Test
    void aSeedReplaysExactly() {
        long seed = Long.getLong("sim.replay", 4L);
        SimOptions options = SimOptions.forSeed(seed).withStorageFaults(Boolean.getBoolean("sim.storageFaults"))
                .withMutation(Mutation.valueOf(System.getProperty("sim.mutation", "NONE")))
                .withAppendAcksPerTurn(Boolean.getBoolean("sim.appendAcksPerTurn"))
                .withTickAtNextDeadline(Boolean.getBoolean("sim.tickAtNextDeadline"));
        SimResult first = new Simulation(options).run();
        SimResult second = new Simulation(options).run();
        System.out.println("replay " + first.describe());
        first.violations().forEach(v -> System.out.println("  " + v));
        assertThat(second.events()).isEqualTo(first.events());
        assertThat(second.acknowledgedWrites()).isEqualTo(first.acknowledgedWrites());
        assertThat(second.finalCommitIndex()).isEqualTo(first.finalCommitIndex());
        assertThat(second.violations()).isEqualTo(first.violations());
        assertThat(first.violations()).isEmpty();
    }
}
