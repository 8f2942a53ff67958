package io.kvbench.chaos.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.chaos.client.ClientOutcome;
import io.kvbench.chaos.client.KvSessionClient;
import io.kvbench.net.NettyResources;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20, finding 3, on real processes: connections that start a big frame and never finish it, on the leader's
 * client port (2 MiB frames, the client limit) and on its peer port before any handshake (16 MiB frames, the peer
 * limit). Found: 300 and 30 such connections cost the leader its leadership (term 1 to 2, 2 to 3). Here, at three
 * times that volume and with the nodes' default limits, the leader must keep leading in the same term and keep
 * serving a client's writes while the connections are held open, its memory bounded; once they close, the node
 * holds nothing for them. Every wait is on a condition (the node's own counters), with a deadline.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class UnfinishedFramesTest {
    private static final int CLIENT_CONNECTIONS = 3 * 300;
    private static final int CLIENT_FRAME_BYTES = 2 << 20;
    private static final int PEER_CONNECTIONS = 3 * 30;
    private static final int PEER_FRAME_BYTES = 16 << 20;
    private static final int CLIENT_REQUEST_TYPE = 0x20;
    private static final int HELLO_TYPE = 0x01;
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
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

    @Test
    void unfinishedFramesOnBothPortsLeaveTheLeaderLeadingAndServing() throws Exception {
        // Election timeout [1, 2) s: on the shared two-core machines this runs on, nodes nobody attacks were measured
        // going 300-600 ms between ticks (other builds' processes hold the cores), which with the default [150, 300)
        // ms elects a new leader with or without a flood. What the flood did before the limits (the leader buffered
        // until its direct memory ran out) deposed the leader at this timeout too.
        LocalClusterSpec spec = LocalClusterSpec.builder().electionTimeoutMillis(1000, 2000).heartbeatMillis(100).build();
        try (LocalKvCluster cluster = LocalKvCluster.start(spec, runDirectory);
             KvSessionClient client = new KvSessionClient(netty, cluster.clientAddresses(), 1, Duration.ofMillis(500),
                     Duration.ofSeconds(10))) {
            cluster.awaitLeader(Duration.ofSeconds(10));
            assertThat(client.put("before", "1").ok()).isTrue();
            LeaderInfo leader = settledLeader(cluster);
            int leaderId = leader.nodeId();
            long attackStartWallMillis = System.currentTimeMillis();

            try (UnfinishedFrames peerFlood = new UnfinishedFrames(cluster.peerAddress(leaderId), PEER_CONNECTIONS,
                    PEER_FRAME_BYTES, HELLO_TYPE);
                 UnfinishedFrames clientFlood = new UnfinishedFrames(cluster.clientAddress(leaderId), CLIENT_CONNECTIONS,
                         CLIENT_FRAME_BYTES, CLIENT_REQUEST_TYPE)) {
                peerFlood.startPushing();
                clientFlood.startPushing();
                // Until the leader has dealt with every one of them: refused (and counted), or holding its frame.
                JsonNode during = awaitLeaderStatus(cluster, leader, "every flood connection refused or holding its frame", status ->
                        refused(status.path("peerInbound"), "frameTooLarge", "connectionLimit", "handshakeTimeout") >= PEER_CONNECTIONS
                                && refused(status.path("clientInbound"), "bufferBudget", "connectionLimit", "frameTimeout")
                                + status.path("clientInbound").path("bufferedBytes").asLong() / CLIENT_FRAME_BYTES >= CLIENT_CONNECTIONS);
                System.out.printf("flood: peer port %d connections (%d closed by the node), client port %d (%d closed); "
                                + "%d bytes sent%n", peerFlood.connections(), peerFlood.closedByPeer(), clientFlood.connections(),
                        clientFlood.closedByPeer(), peerFlood.bytesWritten() + clientFlood.bytesWritten());
                System.out.println("leader's status once it had dealt with the flood: " + during);
                JsonNode memoryDuring = during.path("memory");
                System.out.printf("leader's memory: heap used %d bytes, heap pools' peaks at most %d, heap max %d; direct "
                                + "buffers %d bytes; unfinished client frames held %d bytes of a %d budget%n",
                        memoryDuring.path("heapUsedBytes").asLong(), memoryDuring.path("heapPoolPeaksBytes").asLong(),
                        memoryDuring.path("heapMaxBytes").asLong(), memoryDuring.path("directUsedBytes").asLong(),
                        during.path("clientInbound").path("bufferedBytes").asLong(),
                        during.path("clientInbound").path("bufferBudgetBytes").asLong());

                // The unfinished frames are still held open: the leader serves a client all the same.
                for (int i = 0; i < 20; i++) {
                    ClientOutcome outcome = client.put("during-" + i, Integer.toString(i));
                    assertThat(outcome.ok()).as("write %d during the flood: %s", i, outcome).isTrue();
                    assertThat(outcome.servedBy()).isEqualTo(leaderId);
                }
                assertSameLeaderAndTerm(cluster, leader);
                JsonNode inbound = during.path("clientInbound");
                assertThat(inbound.path("bufferedBytes").asLong()).isLessThanOrEqualTo(inbound.path("bufferBudgetBytes").asLong());
                JsonNode memory = during.path("memory");
                // Heap and direct memory stay far below their limit (both 256 MiB here); the flood offers 3.3 GB.
                assertThat(memory.path("heapPoolPeaksBytes").asLong()).isLessThan(memory.path("heapMaxBytes").asLong() / 2);
                assertThat(memory.path("directUsedBytes").asLong()).isLessThan(
                        inbound.path("bufferBudgetBytes").asLong() + during.path("peerInbound").path("bufferBudgetBytes").asLong());
            }
            // Closed: nothing is held for them any more.
            JsonNode after = awaitLeaderStatus(cluster, leader, "the flood's connections released", status ->
                    status.path("clientInbound").path("bufferedBytes").asLong() == 0
                            && status.path("clientInbound").path("connections").asInt() <= 2
                            && status.path("peerInbound").path("connections").asInt() == 2);
            System.out.println("leader's status after the flood closed: " + after);
            assertThat(client.put("after", "1").servedBy()).isEqualTo(leaderId);
            assertSameLeaderAndTerm(cluster, leader);
            assertNoNewTermSince(cluster, attackStartWallMillis, leader.term());
        }
    }

    private static long refused(JsonNode port, String... reasons) {
        long total = 0;
        for (String reason : reasons) total += port.path("refused").path(reason).asLong();
        return total;
    }

    /**
     * Polls the leader's status until {@code condition}; fails at once if any node has left the leader's term (a
     * leader whose event loop is stuck can go on reporting itself leader of a term the others have left).
     */
    private static JsonNode awaitLeaderStatus(LocalKvCluster cluster, LeaderInfo leader, String what,
                                              Predicate<JsonNode> condition) throws IOException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        JsonNode last = null;
        while (true) {
            for (NodeStatus status : cluster.statuses().values()) {
                assertThat(status.term()).as("n%d's term while waiting for %s (n%d led in term %d)", status.nodeId(),
                        what, leader.nodeId(), leader.term()).isEqualTo(leader.term());
            }
            var status = cluster.status(leader.nodeId());
            if (status.isPresent()) {
                last = JSON.readTree(status.get().json());
                assertThat(last.path("role").asText()).as("n%d's role while waiting for %s", leader.nodeId(), what)
                        .isEqualTo("LEADER");
                if (condition.test(last)) return last;
            }
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what + "; last status " + last);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** The leader every node follows, in one term, once they agree (a fresh cluster may still change its mind). */
    private static LeaderInfo settledLeader(LocalKvCluster cluster) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Map<Integer, NodeStatus> statuses = cluster.statuses();
            if (statuses.size() == 3 && statuses.values().stream().map(s -> s.leaderId() + "@" + s.term()).distinct().count() == 1) {
                NodeStatus any = statuses.values().iterator().next();
                if (any.leaderId() != 0) return new LeaderInfo(any.leaderId(), any.term());
            }
            if (System.nanoTime() > deadline) throw new AssertionError("the nodes do not agree on a leader: " + statuses);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static void assertSameLeaderAndTerm(LocalKvCluster cluster, LeaderInfo leader) {
        Map<Integer, NodeStatus> statuses = cluster.statuses();
        assertThat(statuses).hasSize(3);
        for (NodeStatus status : statuses.values()) {
            assertThat(status.term()).as("n%d's term (n%d led in term %d)", status.nodeId(), leader.nodeId(), leader.term())
                    .isEqualTo(leader.term());
            assertThat(status.leaderId()).isEqualTo(leader.nodeId());
        }
    }

    /**
     * No node entered a term above the leader's after the flood began. (A follower's pre-vote does not count: it raises no
     * term, and on these shared machines a follower descheduled for a while may start one with or without a flood.)
     */
    private static void assertNoNewTermSince(LocalKvCluster cluster, long wallMillis, long term) {
        for (int id : cluster.nodeIds()) {
            Path events = cluster.eventLog(id).orElseThrow();
            List<String> changes;
            try {
                changes = Files.readAllLines(events).stream()
                        .filter(line -> line.contains("\"event\":\"role\""))
                        .filter(line -> readTree(line).path("wall_ms").asLong() >= wallMillis)
                        .filter(line -> readTree(line).path("term").asLong() > term)
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(changes).as("n%d's role changes into a new term during the flood", id).isEmpty();
        }
    }

    private static JsonNode readTree(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
