package io.kvbench.node;

import io.kvbench.driver.ReplicaDriver;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.sim.SimOptions;
import io.kvbench.sim.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's seeds test the node's data path, not a copy of it: the node and every simulated replica drive
 * the same class.
 */
class OneDriverTest {
    @TempDir
    Path directory;

    @Test
    void theSimulationDrivesTheClassTheNodeRuns() throws Exception {
        Simulation simulation = new Simulation(SimOptions.forSeed(1));
        try (LocalCluster cluster = TestClusters.start(3, directory)) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(10)).nodeId();
            Class<?> nodeDriver = cluster.runtime(leader).driver().getClass();

            assertThat(nodeDriver).isSameAs(ReplicaDriver.class);
            for (int id = 1; id <= SimOptions.forSeed(1).nodeCount(); id++) {
                assertThat(simulation.driverClassOfNode(id)).as("simulated node %d", id).isSameAs(nodeDriver);
            }
        }
    }
}
