package io.kvbench.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.NettyResources;
import io.kvbench.node.local.LocalCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Three runtimes in one JVM: election, replication, redirects, failover and restart with the data kept. */
class NodeRuntimeTest {
    @TempDir
    Path directory;

    @Test
    void electsALeaderReplicatesWritesAndSurvivesTheLeaderStopping() throws Exception {
        electsReplicatesAndSurvivesTheLeaderStopping(List.of(), List.of("next-deadline", "per-turn", "wal-thread"));
    }

    /** The event loop commits its own batches when that buys nothing (issue 19's {@code --wal-commit} switch). */
    @Test
    void withTheEventLoopCommittingTheSameHolds() throws Exception {
        electsReplicatesAndSurvivesTheLeaderStopping(List.of("--wal-commit", "event-loop-when-idle"),
                List.of("next-deadline", "per-turn", "event-loop-when-idle"));
    }

    /**
     * The same with issue 19's other settings: the timer every tick and one acknowledgement per append (the defaults
     * before). Each must keep elections, failover and catch-up working.
     */
    @Test
    void withTheOtherWritePathSettingsTheSameHolds() throws Exception {
        electsReplicatesAndSurvivesTheLeaderStopping(List.of("--tick-timer", "every-tick", "--append-acks", "per-append"),
                List.of("every-tick", "per-append", "wal-thread"));
    }

    /** {@code switches}: the tick timer, append acknowledgements and WAL commit each node must report. */
    private void electsReplicatesAndSurvivesTheLeaderStopping(List<String> nodeArguments, List<String> switches) throws Exception {
        try (LocalCluster cluster = TestClusters.start(3, directory, nodeArguments);
             NettyResources netty = new NettyResources("test-client", 1)) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(10)).nodeId();
            int follower = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();

            // A follower redirects to the leader's client address.
            try (ClientConnection toFollower = connect(netty, cluster, follower)) {
                ClientResponse response = toFollower.command(KvCommandCodec.encode(new KvCommand.RegisterSession(), 0)).get(5, TimeUnit.SECONDS);
                assertThat(response).isInstanceOf(ClientResponse.NotLeader.class);
                assertThat(((ClientResponse.NotLeader) response).leaderId()).isEqualTo(leader);
                assertThat(((ClientResponse.NotLeader) response).leaderClientAddress())
                        .isEqualTo("127.0.0.1:" + cluster.clientAddress(leader).getPort());
            }

            long clientId;
            try (ClientConnection toLeader = connect(netty, cluster, leader)) {
                clientId = ((KvResult.SessionRegistered) call(toLeader, new KvCommand.RegisterSession())).clientId();
                for (int seq = 1; seq <= 100; seq++) {
                    KvResult result = call(toLeader, new KvCommand.Put(clientId, seq, seq, "key-" + seq, bytes("v" + seq)));
                    assertThat(result).isInstanceOf(KvResult.Written.class);
                }
                // A retry of an applied write returns the stored reply without applying it again.
                KvResult retry = call(toLeader, new KvCommand.Put(clientId, 100, 100, "key-100", bytes("other")));
                assertThat(retry).isInstanceOf(KvResult.Written.class);
                assertThat(read(toLeader, "key-100")).isEqualTo("v100");
            }

            cluster.kill(leader);
            int newLeader = cluster.awaitLeader(Duration.ofSeconds(10)).nodeId();
            assertThat(newLeader).isNotEqualTo(leader);
            try (ClientConnection toNewLeader = connect(netty, cluster, newLeader)) {
                assertThat(read(toNewLeader, "key-42")).isEqualTo("v42");
                assertThat(call(toNewLeader, new KvCommand.Put(clientId, 101, 101, "key-101", bytes("v101"))))
                        .isInstanceOf(KvResult.Written.class);
            }

            // The stopped node restarts from its WAL and catches up.
            cluster.start(leader);
            TestClusters.awaitCondition(() -> cluster.runtime(leader).status().appliedIndex()
                    >= cluster.runtime(newLeader).status().commitIndex(), Duration.ofSeconds(10), "the restarted node to catch up");
            assertThat(Files.readString(cluster.eventLog(leader))).contains("\"role\":\"LEADER\"");

            // The write audit (--audit-writes) saw 101 distinct writes, the retry of seq 100 not applied again,
            // on every node, the restarted one included.
            TestClusters.awaitCondition(() -> cluster.nodeIds().stream()
                            .allMatch(id -> cluster.runtime(id).status().auditedWrites() == 101),
                    Duration.ofSeconds(10), "every node to apply seq 101");
            for (int id : cluster.nodeIds()) {
                StatusSnapshot status = cluster.runtime(id).status();
                assertThat(status.auditedWrites()).as("node %d audited writes", id).isEqualTo(101);
                assertThat(status.auditRepeatApplications()).as("node %d repeats", id).isZero();
                // It ran with the switches asked for, and its write path's counters moved (status writePath).
                StatusSnapshot.WritePath path = status.writePath();
                assertThat(List.of(path.tickTimer(), path.appendAcks(), path.walCommit())).isEqualTo(switches);
                if (path.walCommit().equals("wal-thread")) {
                    assertThat(path.walLoopCommits()).as("node %d loop commits", id).isZero();
                } else {
                    // Writes one at a time find the WAL thread idle: the loop commits them (the restarted node too).
                    assertThat(path.walLoopCommits()).as("node %d loop commits", id).isPositive();
                }
                assertThat(path.peerMessagesSent()).as("node %d peer messages", id).isPositive();
                assertThat(path.peerSocketFlushes()).as("node %d peer flushes (handshakes too)", id).isPositive();
                assertThat(path.walCompletionTasks()).as("node %d WAL completion tasks", id).isPositive();
                // The JIT total a benchmark compares before and after a measurement: this JVM's, so far.
                assertThat(status.jitCompileMillis()).as("node %d JIT total", id)
                        .isBetween(0L, java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
                assertThat(status.toJson()).contains("\"jitCompileMillis\":" + status.jitCompileMillis());
                // Every node made its log durable; a status asked with the histogram flag carries the commit times,
                // a plain one does not (encoding them costs the event loop).
                try (ClientConnection connection = connect(netty, cluster, id)) {
                    JsonNode histograms = statusJson(connection.statusWithLatencyHistograms()).path("latencyHistograms");
                    assertThat(NodeLatencies.decode(histograms.path("walCommitMicros").asText()).getTotalCount())
                            .as("node %d WAL commits", id).isPositive();
                    assertThat(statusJson(connection.status()).has("latencyHistograms")).isFalse();
                }
            }
            // The new leader answered seq 101 (and, if it led before, more): its decoded-to-reply time was recorded.
            try (ClientConnection connection = connect(netty, cluster, newLeader)) {
                JsonNode histograms = statusJson(connection.statusWithLatencyHistograms()).path("latencyHistograms");
                assertThat(NodeLatencies.decode(histograms.path("leaderWriteMicros").asText()).getTotalCount())
                        .isGreaterThanOrEqualTo(1);
                // It replicated its term's entries and timed the first follower's acknowledgement of them.
                assertThat(NodeLatencies.decode(histograms.path("replicationMicros").asText()).getTotalCount()).isPositive();
            }
        }
    }

    static JsonNode statusJson(java.util.concurrent.CompletableFuture<ClientResponse> response) throws Exception {
        ClientResponse answer = response.get(5, TimeUnit.SECONDS);
        assertThat(answer).isInstanceOf(ClientResponse.Status.class);
        return new ObjectMapper().readTree(((ClientResponse.Status) answer).json());
    }

    static ClientConnection connect(NettyResources netty, LocalCluster cluster, int id) throws Exception {
        return ClientConnection.connect(netty, cluster.clientAddress(id)).get(5, TimeUnit.SECONDS);
    }

    static KvResult call(ClientConnection connection, KvCommand command) throws Exception {
        ClientResponse response = connection.command(KvCommandCodec.encode(command, 0)).get(5, TimeUnit.SECONDS);
        assertThat(response).as("response to %s", command).isInstanceOf(ClientResponse.Result.class);
        return KvResultCodec.decode(((ClientResponse.Result) response).result());
    }

    static String read(ClientConnection connection, String key) throws Exception {
        ClientResponse response = connection.read(KvCommandCodec.encode(new KvCommand.Get(key), 0)).get(5, TimeUnit.SECONDS);
        assertThat(response).isInstanceOf(ClientResponse.Result.class);
        byte[] value = ((KvResult.Value) KvResultCodec.decode(((ClientResponse.Result) response).result())).value();
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
