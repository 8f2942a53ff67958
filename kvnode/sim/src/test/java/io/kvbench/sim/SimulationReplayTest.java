package io.kvbench.sim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A seed replays exactly: {@code -Dsim.replay=SEED} reruns one seed and prints what it saw. */
class SimulationReplayTest {
    @Test
    void aSeedReplaysExactly() {
        long seed = Long.getLong("sim.replay", 4L);
        SimResult first = new Simulation(SimOptions.forSeed(seed)).run();
        SimResult second = new Simulation(SimOptions.forSeed(seed)).run();
        System.out.println("replay " + first.describe());
        first.violations().forEach(v -> System.out.println("  " + v));
        assertThat(second.events()).isEqualTo(first.events());
        assertThat(second.acknowledgedWrites()).isEqualTo(first.acknowledgedWrites());
        assertThat(second.finalCommitIndex()).isEqualTo(first.finalCommitIndex());
        assertThat(second.violations()).isEqualTo(first.violations());
        assertThat(first.violations()).isEmpty();
    }
}
