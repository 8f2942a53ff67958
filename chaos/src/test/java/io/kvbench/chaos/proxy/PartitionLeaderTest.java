package io.kvbench.chaos.proxy;

import io.kvbench.chaos.client.ClientOutcome;
import io.kvbench.chaos.client.KvSessionClient;
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.chaos.cluster.NetworkMode;
import io.kvbench.net.NettyResources;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real kvnode JVMs whose peer links run through a {@link ProxyMesh}: cut the leader off silently, the other
 * two elect a leader at a higher term and take writes, the old leader steps down, and after the heal it follows
 * the new leader and catches up. Every wait has a deadline; close() stops every node by pid and every proxy.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionLeaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    Path runDirectory;

    @Test
    void isolatedLeaderIsReplacedStepsDownAndRejoinsAsFollowerAfterHeal() throws Exception {
        NettyResources netty = new NettyResources("partition-test-clients", 1);
        try (LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().nodeCount(3).build(), NetworkMode.PROXY,
                runDirectory)) {
            assertThat(cluster.proxyMesh()).isPresent();
            LeaderInfo old = cluster.awaitLeader(TIMEOUT);
            int other = cluster.nodeIds().stream().filter(id -> id != old.nodeId()).findFirst().orElseThrow();
            try (KvSessionClient client = new KvSessionClient(netty, cluster.clientAddresses(), other,
                    Duration.ofMillis(500), Duration.ofSeconds(10))) {
                assertThat(client.put("before", "1").ok()).isTrue();

                cluster.isolate(old.nodeId());
                LeaderInfo next = awaitLeader(cluster, leader -> leader.nodeId() != old.nodeId() && leader.term() > old.term());
                ClientOutcome during = client.put("during", "2");
                assertThat(during.ok()).as(String.valueOf(during)).isTrue();
                assertThat(during.servedBy()).isEqualTo(next.nodeId());
                // still running and answering status, but no longer leading (check-quorum), nor elected
                NodeStatus isolated = awaitStatus(cluster, old.nodeId(), status -> !status.isLeader());
                assertThat(cluster.isRunning(old.nodeId())).isTrue();
                assertThat(isolated.isLeader()).isFalse();

                cluster.rejoin(old.nodeId());
                long commitIndex = cluster.status(next.nodeId()).orElseThrow().commitIndex();
                NodeStatus rejoined = awaitStatus(cluster, old.nodeId(), status -> status.role().equals("FOLLOWER")
                        && status.term() >= next.term() && status.appliedIndex() >= commitIndex);
                assertThat(rejoined.leaderId()).isIn(cluster.nodeIds());
                assertThat(client.get("before").value()).isEqualTo("1");
                assertThat(client.get("during").value()).isEqualTo("2");
                assertThat(client.put("after", "3").ok()).isTrue();
            }
        } finally {
            netty.close();
        }
    }

    private static LeaderInfo awaitLeader(LocalKvCluster cluster, Predicate<LeaderInfo> wanted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<LeaderInfo> leader = cluster.findLeader();
            if (leader.isPresent() && wanted.test(leader.get())) return leader.get();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        throw new AssertionError("no wanted leader within " + TIMEOUT + "; statuses " + cluster.statuses());
    }

    private static NodeStatus awaitStatus(LocalKvCluster cluster, int nodeId, Predicate<NodeStatus> wanted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Optional<NodeStatus> last = Optional.empty();
        while (System.nanoTime() - deadline < 0) {
            last = cluster.status(nodeId);
            if (last.isPresent() && wanted.test(last.get())) return last.get();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        throw new AssertionError("n" + nodeId + " status not as wanted within " + TIMEOUT + "; last " + last.map(NodeStatus::json));
    }
}
