package io.kvbench.chaos.cluster;

import io.kvbench.chaos.client.ClientOutcome;
import io.kvbench.chaos.client.KvSessionClient;
import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.NettyResources;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real kvnode JVMs on loopback: kill the leader, pause it, restart everything. Every wait is on a condition
 * with a deadline; every process is stopped by pid in close(), which the try-with-resources runs on failure.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LocalKvClusterTest {
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(10);
    private static NettyResources netty;

    @TempDir
    Path runDirectory;

    @BeforeAll
    static void startNetty() {
        netty = new NettyResources("test-clients", 1);
    }

    @AfterAll
    static void stopNetty() {
        netty.close();
    }

    private static LocalKvCluster start(int nodes, Path directory) throws Exception {
        return LocalKvCluster.start(LocalClusterSpec.builder().nodeCount(nodes).build(), directory);
    }

    private static KvSessionClient client(LocalKvCluster cluster, int firstGuess) {
        return new KvSessionClient(netty, cluster.clientAddresses(), firstGuess, Duration.ofMillis(500), Duration.ofSeconds(10));
    }

    @Test
    void killedLeaderIsReplacedAndCatchesUpAfterRestart() throws Exception {
        try (LocalKvCluster cluster = start(3, runDirectory); KvSessionClient client = client(cluster, 1)) {
            assertThat(cluster.network()).isEqualTo(NetworkMode.LOOPBACK);
            assertThatThrownBy(() -> cluster.isolate(1)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("network loopback");
            LeaderInfo first = cluster.awaitLeader(LEADER_TIMEOUT);
            assertThat(client.put("before", "1").ok()).isTrue();

            assertThat(cluster.signalSentNanos(first.nodeId())).isEmpty();
            long beforeKill = System.nanoTime();
            cluster.kill(first.nodeId());
            long afterKill = System.nanoTime();
            // where the campaign's first-acknowledged-write search starts: between the call and its return
            assertThat(cluster.signalSentNanos(first.nodeId())).isPresent();
            assertThat(cluster.signalSentNanos(first.nodeId()).getAsLong()).isBetween(beforeKill, afterKill);
            LeaderInfo second = cluster.awaitLeader(LEADER_TIMEOUT);
            assertThat(second.nodeId()).isNotEqualTo(first.nodeId());
            assertThat(second.term()).isGreaterThan(first.term());
            ClientOutcome after = client.put("after", "2");
            assertThat(after.ok()).isTrue();
            assertThat(after.servedBy()).isEqualTo(second.nodeId());
            assertThat(client.get("before").value()).isEqualTo("1");

            cluster.restart(first.nodeId());
            long commitIndex = cluster.status(second.nodeId()).orElseThrow().commitIndex();
            NodeStatus caughtUp = cluster.awaitApplied(first.nodeId(), commitIndex, LEADER_TIMEOUT);
            assertThat(caughtUp.role()).isEqualTo("FOLLOWER");
            assertThat(caughtUp.term()).isGreaterThanOrEqualTo(second.term());
        }
    }

    @Test
    void fiveNodesSurviveTwoLeaderKillsInARow() throws Exception {
        try (LocalKvCluster cluster = start(5, runDirectory); KvSessionClient client = client(cluster, 1)) {
            LeaderInfo leader = cluster.awaitLeader(LEADER_TIMEOUT);
            assertThat(client.put("k0", "v0").ok()).isTrue();
            List<Integer> killed = new ArrayList<>();
            for (int round = 1; round <= 2; round++) {
                cluster.kill(leader.nodeId());
                killed.add(leader.nodeId());
                LeaderInfo next = cluster.awaitLeader(LEADER_TIMEOUT);
                assertThat(killed).doesNotContain(next.nodeId());
                assertThat(next.term()).isGreaterThan(leader.term());
                assertThat(client.put("k" + round, "v" + round).ok()).isTrue();
                leader = next;
            }
            for (int round = 0; round <= 2; round++) {
                assertThat(client.get("k" + round).value()).isEqualTo("v" + round);
            }
            for (int id : killed) cluster.restart(id);
            long commitIndex = cluster.status(leader.nodeId()).orElseThrow().commitIndex();
            for (int id : killed) cluster.awaitApplied(id, commitIndex, LEADER_TIMEOUT);
        }
    }

    @Test
    void noAcknowledgedWriteIsLostWhenTheLeaderIsKilledUnderLoad() throws Exception {
        try (LocalKvCluster cluster = start(3, runDirectory)) {
            LeaderInfo leader = cluster.awaitLeader(LEADER_TIMEOUT);
            AtomicBoolean stop = new AtomicBoolean();
            List<ClientOutcome> acknowledged = new ArrayList<>();
            List<String> acknowledgedKeys = new ArrayList<>();
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                int unknown = 0;
                try (KvSessionClient client = client(cluster, leader.nodeId())) {
                    for (int seq = 1; !stop.get(); seq++) {
                        String key = "c1-" + seq;
                        ClientOutcome outcome = client.put(key, "v" + seq);
                        if (outcome.ok()) {
                            synchronized (acknowledged) {
                                acknowledged.add(outcome);
                                acknowledgedKeys.add(key);
                            }
                        } else {
                            unknown++;
                        }
                    }
                }
                return unknown;
            });
            awaitCount(acknowledged, 50);
            cluster.kill(leader.nodeId());
            LeaderInfo next = cluster.awaitLeader(LEADER_TIMEOUT);
            int before = count(acknowledged);
            awaitAcknowledgedBy(acknowledged, before + 50, next.nodeId());
            stop.set(true);
            writer.get(30, TimeUnit.SECONDS);

            cluster.restart(leader.nodeId());
            try (KvSessionClient reader = client(cluster, next.nodeId())) {
                List<String> keys;
                List<ClientOutcome> outcomes;
                synchronized (acknowledged) {
                    keys = List.copyOf(acknowledgedKeys);
                    outcomes = List.copyOf(acknowledged);
                }
                for (int i = 0; i < keys.size(); i++) {
                    String expected = "v" + keys.get(i).substring("c1-".length());
                    assertThat(reader.get(keys.get(i)).value()).as("acknowledged %s", keys.get(i)).isEqualTo(expected);
                    // Each key is written once: a previous value means the write was applied twice.
                    assertThat(outcomes.get(i).value()).as("previous value of %s", keys.get(i)).isNull();
                }
            }
        }
    }

    @Test
    void pausedLeaderStepsDownAndAcknowledgesNothingUncommitted() throws Exception {
        try (LocalKvCluster cluster = start(3, runDirectory); KvSessionClient client = client(cluster, 1)) {
            LeaderInfo old = cluster.awaitLeader(LEADER_TIMEOUT);
            long clientId = client.clientId();
            ClientConnection toOldLeader = ClientConnection.connect(netty, cluster.clientAddress(old.nodeId())).get(5, TimeUnit.SECONDS);
            try {
                cluster.pause(old.nodeId());
                // Sent while the leader is frozen: it reads the request when it wakes, still believing it leads.
                byte[] stalePut = KvCommandCodec.encode(new KvCommand.Put(clientId, 1000, 1000, "stale",
                        "from-paused".getBytes(StandardCharsets.UTF_8)), 0);
                CompletableFuture<ClientResponse> staleReply = toOldLeader.command(stalePut);
                LeaderInfo next = cluster.awaitLeader(LEADER_TIMEOUT);
                assertThat(next.nodeId()).isNotEqualTo(old.nodeId());
                assertThat(next.term()).isGreaterThan(old.term());
                assertThat(client.put("during-pause", "x").ok()).isTrue();

                cluster.resume(old.nodeId());
                NodeStatus stepped = awaitStatus(cluster, old.nodeId(),
                        s -> s.role().equals("FOLLOWER") && s.term() >= next.term());
                assertThat(stepped.leaderId()).isIn(0, next.nodeId());
                ClientResponse reply = staleReply.get(10, TimeUnit.SECONDS);
                Optional<String> committed = Optional.ofNullable(client.get("stale").value());
                if (reply instanceof ClientResponse.Result result) {
                    // Acknowledged only if committed: then the new leader must have it.
                    assertThat(KvResultCodec.decode(result.result())).isInstanceOf(KvResult.Written.class);
                    assertThat(committed).contains("from-paused");
                } else {
                    assertThat(reply).isInstanceOf(ClientResponse.NotLeader.class);
                }
                assertThat(client.get("during-pause").value()).isEqualTo("x");
            } finally {
                toOldLeader.close();
            }
        }
    }

    @Test
    void wholeClusterRestartKeepsCommittedData() throws Exception {
        try (LocalKvCluster cluster = start(3, runDirectory)) {
            LeaderInfo leader = cluster.awaitLeader(LEADER_TIMEOUT);
            try (KvSessionClient client = client(cluster, leader.nodeId())) {
                for (int i = 0; i < 100; i++) assertThat(client.put("k" + i, "v" + i).ok()).isTrue();
            }
            for (int id : cluster.nodeIds()) cluster.kill(id);
            cluster.restartStopped();
            LeaderInfo after = cluster.awaitLeader(LEADER_TIMEOUT);
            assertThat(after.term()).isGreaterThan(leader.term());
            try (KvSessionClient client = client(cluster, after.nodeId())) {
                for (int i = 0; i < 100; i++) assertThat(client.get("k" + i).value()).isEqualTo("v" + i);
            }
        }
    }

    private static NodeStatus awaitStatus(LocalKvCluster cluster, int nodeId, java.util.function.Predicate<NodeStatus> condition) {
        long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
        Optional<NodeStatus> status = Optional.empty();
        while (System.nanoTime() - deadline < 0) {
            status = cluster.status(nodeId);
            if (status.isPresent() && condition.test(status.get())) return status.get();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        throw new AssertionError("n" + nodeId + " never met the condition; last status " + status.map(NodeStatus::json));
    }

    private static int count(List<ClientOutcome> acknowledged) {
        synchronized (acknowledged) {
            return acknowledged.size();
        }
    }

    private static void awaitCount(List<ClientOutcome> acknowledged, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count(acknowledged) < count) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("only " + count(acknowledged) + " writes acknowledged");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static void awaitAcknowledgedBy(List<ClientOutcome> acknowledged, int count, int nodeId) {
        awaitCount(acknowledged, count);
        synchronized (acknowledged) {
            assertThat(acknowledged.get(acknowledged.size() - 1).servedBy()).isEqualTo(nodeId);
        }
    }
}
