package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.ClusterTiming;
import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.chaos.cluster.NetworkMode;
import io.kvbench.chaos.netns.NetnsAvailability;
import io.kvbench.chaos.netns.NetworkNamespaces;
import io.kvbench.node.local.LocalClusterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three-trial campaigns of the link faults on three real nodes under load: partition-link (the link between the
 * leader and one follower cut both ways) and partition-leader-inbound (the leader hears nothing, its messages
 * still go out). On network namespaces where they can be created (packets dropped in the bridge), else through
 * the peer proxies ({@code -Dchaos.link.network=proxy} forces them). Each asserts what Raft with pre-vote, lease and check-quorum makes of the fault, from the
 * nodes' own event logs, and that the history stays safe.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LinkPartitionCampaignTest {
    private static final int TRIALS = 3;

    @TempDir
    Path directory;

    private record Ran(CampaignResult result, ClusterTiming timing, Map<Integer, List<EventLogReader.RoleEvent>> roleEvents) {
    }

    private Ran campaign(FaultKind fault) throws Exception {
        NetnsAvailability namespaces = NetworkNamespaces.available();
        String requested = System.getProperty("chaos.link.network");
        NetworkMode network = requested != null ? NetworkMode.parse(requested)
                : namespaces.available() ? NetworkMode.NETNS : NetworkMode.PROXY;
        System.out.println(fault.label() + " on network " + network.label()
                + (namespaces.available() ? "" : " (network namespaces unavailable: " + namespaces.reason() + ")"));
        // the downtime outlasts the longest election timeout (300 ms) several times, so a cut-off node times out
        CampaignSpec spec = CampaignSpec.builder().runId("ci-" + fault.label()).fault(fault).trials(TRIALS)
                .trialInterval(Duration.ofMillis(2000)).downtime(Duration.ofMillis(1000)).seed(42)
                .uniqueWriters(2).registerClients(2).registerKeys(3).ratePerThread(50).build();
        Path out = directory.resolve("out");
        try (LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().nodeCount(3).build(), network,
                directory.resolve("cluster"))) {
            CampaignResult result = Campaign.run(spec, cluster, out);
            Map<Integer, List<EventLogReader.RoleEvent>> events = new HashMap<>();
            for (int id : cluster.nodeIds()) events.put(id, EventLogReader.roleEvents(cluster.eventLog(id).orElseThrow()));
            System.out.println(Files.readString(out.resolve("verdict.txt")));
            System.out.println(Files.readString(out.resolve("elections.csv")));
            return new Ran(result, cluster.timing(), events);
        }
    }

    private static void assertSafeAndRecovered(CampaignResult result) {
        assertThat(result.verdict().passed()).as(result.verdict().describe()).isTrue();
        assertThat(result.trials()).hasSize(TRIALS).allMatch(TrialRecord::recovered);
        assertThat(result.acknowledgedWrites()).isGreaterThan(50);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void aCutLinkBetweenLeaderAndFollowerLeavesTheLeaderInPlace() throws Exception {
        Ran ran = campaign(FaultKind.PARTITION_LINK);
        CampaignResult result = ran.result();
        assertSafeAndRecovered(result);
        List<TrialRecord> trials = result.trials();
        assertThat(trials).allMatch(trial -> trial.victim() != trial.oldLeader());
        for (TrialRecord trial : trials) {
            // The victim heard nothing for a downtime of several election timeouts: it timed out and pre-voted.
            assertThat(ran.roleEvents().get(trial.victim()))
                    .as("trial %d: cut-off n%d pre-votes during the cut", trial.trial(), trial.victim())
                    .anyMatch(event -> event.role().equals("PRE_CANDIDATE") && trial.duringFault(event.monoNanos()));
            System.out.printf("partition-link trial %d: leader n%d term %d, cut from n%d; at the heal n%d term %d%n",
                    trial.trial(), trial.oldLeader(), trial.oldTerm(), trial.victim(), trial.newLeader(), trial.newTerm());
        }
        // Pre-vote and lease keep the leader: the other follower, hearing it, ignores the victim's pre-votes, so no
        // term is raised. Only a follower that missed the leader's heartbeats for a minimum election timeout (a
        // stall on a loaded machine) lets one through, so this holds in most trials, not necessarily in all.
        long unchanged = trials.stream().filter(trial -> trial.newLeader() == trial.oldLeader() && trial.newTerm() == trial.oldTerm()
                && !trial.leaderFromEventLog()).count();
        assertThat(unchanged).as("trials in which leader and term stayed the same").isGreaterThan(TRIALS / 2);
    }

    @Test
    void aLeaderThatHearsNothingStepsDownByCheckQuorumAndTheOthersElect() throws Exception {
        Ran ran = campaign(FaultKind.PARTITION_LEADER_INBOUND);
        CampaignResult result = ran.result();
        assertSafeAndRecovered(result);
        List<TrialRecord> trials = result.trials();
        assertThat(trials).allMatch(trial -> trial.victim() == trial.oldLeader() && trial.newLeader() != trial.victim()
                && trial.termsElapsed() >= 1 && trial.leaderFromEventLog());
        for (TrialRecord trial : trials) {
            // Cut off from every answer, it can learn no higher term until the heal: a FOLLOWER change in its own
            // term during the cut is check-quorum's step-down (dissertation §6.2).
            List<EventLogReader.RoleEvent> stepDowns = ran.roleEvents().get(trial.victim()).stream()
                    .filter(event -> event.role().equals("FOLLOWER") && event.term() == trial.oldTerm()
                            && trial.duringFault(event.monoNanos()))
                    .toList();
            assertThat(stepDowns).as("trial %d: n%d, leader in term %d, steps down while it hears nothing", trial.trial(),
                    trial.victim(), trial.oldTerm()).isNotEmpty();
            // Its heartbeats kept the followers in lease until it stepped down, so no election ends sooner than a
            // minimum election timeout after its last heartbeat, at most one heartbeat interval before the cut.
            assertThat(trial.faultToLeaderMillis()).as("trial %d: cut to new leader", trial.trial())
                    .isGreaterThanOrEqualTo(ran.timing().electionTimeoutMinMillis() - ran.timing().heartbeatMillis());
            System.out.printf("partition-leader-inbound trial %d: n%d stepped down %.1f ms after the cut, n%d leads term %d after %.1f ms%n",
                    trial.trial(), trial.victim(), (stepDowns.get(0).monoNanos() - trial.faultNanos()) / 1e6, trial.newLeader(),
                    trial.newTerm(), trial.faultToLeaderMillis());
        }
    }
}
