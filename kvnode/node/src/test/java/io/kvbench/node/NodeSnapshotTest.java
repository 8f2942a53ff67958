package io.kvbench.node;

import static io.kvbench.node.NodeRuntimeTest.bytes;
import static io.kvbench.node.NodeRuntimeTest.call;
import static io.kvbench.node.NodeRuntimeTest.connect;
import static io.kvbench.node.NodeRuntimeTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvResult;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.NettyResources;
import io.kvbench.node.local.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots are serialized and written off the core thread: a node keeps serving while one is taken, takes one at
 * a time, compacts once it is back, and restarts from it with the state it held.
 */
@Timeout(120)
class NodeSnapshotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    /** Holds a node's snapshot jobs until the test runs them, on the test's thread. */
    private static final class HeldExecutor implements Executor {
        private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable job) {
            held.add(job);
        }

        int heldCount() {
            return held.size();
        }

        void runNext() {
            Runnable job = held.poll();
            if (job == null) throw new AssertionError("no snapshot job held");
            job.run();
        }
    }

    @Test
    void writesAreServedWhileASnapshotIsTakenAndTheNodeRestartsFromIt() throws Exception {
        Map<Integer, HeldExecutor> executors = new TreeMap<>();
        for (int id = 1; id <= 3; id++) executors.put(id, new HeldExecutor());
        try (LocalCluster cluster = TestClusters.start(3, directory, 20, executors::get);
             NettyResources netty = new NettyResources("test-client", 1)) {
            int leader = cluster.awaitLeader(WAIT).nodeId();
            HeldExecutor leaderJobs = executors.get(leader);
            long clientId;
            try (ClientConnection connection = connect(netty, cluster, leader)) {
                clientId = ((KvResult.SessionRegistered) call(connection, new KvCommand.RegisterSession())).clientId();
                putAll(connection, clientId, 1, 30);
                assertThat(leaderJobs.heldCount()).as("a snapshot started past 20 applied entries").isEqualTo(1);

                // The job is held mid-snapshot: writes go on being applied and acknowledged, no second job starts
                // although 90 more entries pass the threshold again, and nothing is compacted yet.
                putAll(connection, clientId, 31, 120);
                assertThat(leaderJobs.heldCount()).isEqualTo(1);
                assertThat(cluster.runtime(leader).status().firstIndex()).isEqualTo(1);
                assertThat(snapshotEvents(leader)).isEmpty();

                leaderJobs.runNext();
                TestClusters.awaitCondition(() -> cluster.runtime(leader).status().firstIndex() > 1, WAIT,
                        "the leader to compact once its snapshot is back");
                JsonNode first = awaitSnapshotEvents(leader, 1).get(0);
                assertThat(first.get("index").asLong()).isBetween(20L, 35L);
                assertThat(cluster.runtime(leader).status().firstIndex()).isEqualTo(first.get("index").asLong() + 1);
                assertThat(first.get("bytes").asLong()).isPositive();
                assertThat(first.get("applied_since").asLong()).as("entries applied while it was taken").isGreaterThan(80);
                assertThat(first.has("capture_us") && first.has("write_us")).isTrue();

                // More than 20 entries were applied while it was taken: the next one started as it was installed.
                assertThat(leaderJobs.heldCount()).isEqualTo(1);
                leaderJobs.runNext();
                assertThat(awaitSnapshotEvents(leader, 2).get(1).get("index").asLong())
                        .isEqualTo(first.get("index").asLong() + first.get("applied_since").asLong());
                putAll(connection, clientId, 121, 121);
                for (int id : cluster.nodeIds()) {
                    if (id != leader) executors.get(id).runNext();
                }
                for (int id : cluster.nodeIds()) awaitSnapshotEvents(id, id == leader ? 2 : 1);
            }
            long leaderSnapshotIndex = snapshotEvents(leader).get(1).get("index").asLong();

            for (int id : cluster.nodeIds()) cluster.kill(id);
            for (int id = 1; id <= 3; id++) cluster.start(id);
            assertThat(lastStartedEvent(leader).get("snapshot_index").asLong()).isEqualTo(leaderSnapshotIndex);
            int newLeader = cluster.awaitLeader(WAIT).nodeId();
            try (ClientConnection connection = connect(netty, cluster, newLeader)) {
                for (int seq = 1; seq <= 121; seq++) assertThat(read(connection, "key-" + seq)).isEqualTo("v" + seq);
                // The session and its stored reply came back from the snapshot: a retry is not applied again.
                assertThat(call(connection, new KvCommand.Put(clientId, 121, 121, "key-121", bytes("retried"))))
                        .isInstanceOf(KvResult.Written.class);
                assertThat(read(connection, "key-121")).isEqualTo("v121");
            }
        }
    }

    @Test
    void frequentBackgroundSnapshotsKeepEveryWriteAcrossARestart() throws Exception {
        try (LocalCluster cluster = TestClusters.start(3, directory, 10, id -> null);
             NettyResources netty = new NettyResources("test-client", 1)) {
            int leader = cluster.awaitLeader(WAIT).nodeId();
            long clientId;
            try (ClientConnection connection = connect(netty, cluster, leader)) {
                clientId = ((KvResult.SessionRegistered) call(connection, new KvCommand.RegisterSession())).clientId();
                putAll(connection, clientId, 1, 200);
            }
            TestClusters.awaitCondition(() -> cluster.nodeIds().stream()
                    .allMatch(id -> cluster.runtime(id).status().auditedWrites() == 200), WAIT, "every node to apply");
            for (int id : cluster.nodeIds()) {
                assertThat(awaitSnapshotEvents(id, 5)).allSatisfy(event -> assertThat(event.get("bytes").asLong()).isPositive());
                TestClusters.awaitCondition(() -> cluster.runtime(id).status().firstIndex() > 150, WAIT,
                        "node " + id + " to compact");
            }

            for (int id : cluster.nodeIds()) cluster.kill(id);
            for (int id = 1; id <= 3; id++) cluster.start(id);
            for (int id : cluster.nodeIds()) assertThat(lastStartedEvent(id).get("snapshot_index").asLong()).isGreaterThan(150);
            int newLeader = cluster.awaitLeader(WAIT).nodeId();
            try (ClientConnection connection = connect(netty, cluster, newLeader)) {
                for (int seq = 1; seq <= 200; seq++) assertThat(read(connection, "key-" + seq)).isEqualTo("v" + seq);
                putAll(connection, clientId, 201, 201);
            }
            TestClusters.awaitCondition(() -> cluster.nodeIds().stream()
                    .allMatch(id -> cluster.runtime(id).status().auditedWrites() == 201), WAIT, "every node to apply 201");
            for (int id : cluster.nodeIds()) {
                assertThat(cluster.runtime(id).status().auditRepeatApplications()).as("node %d repeats", id).isZero();
            }
        }
    }

    private static void putAll(ClientConnection connection, long clientId, int fromSeq, int toSeq) throws Exception {
        for (int seq = fromSeq; seq <= toSeq; seq++) {
            KvResult result = call(connection, new KvCommand.Put(clientId, seq, seq, "key-" + seq, bytes("v" + seq)));
            assertThat(result).as("put seq %d", seq).isInstanceOf(KvResult.Written.class);
        }
    }

    private List<JsonNode> events(int nodeId, String name) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        for (String line : Files.readAllLines(LocalCluster.eventLog(directory, nodeId))) {
            JsonNode event = JSON.readTree(line);
            if (name.equals(event.get("event").asText())) found.add(event);
        }
        return found;
    }

    private List<JsonNode> snapshotEvents(int nodeId) throws IOException {
        return events(nodeId, "snapshot");
    }

    private List<JsonNode> awaitSnapshotEvents(int nodeId, int count) throws IOException {
        TestClusters.awaitCondition(() -> {
            try {
                return snapshotEvents(nodeId).size() >= count;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, WAIT, count + " snapshot events on node " + nodeId);
        return snapshotEvents(nodeId);
    }

    private JsonNode lastStartedEvent(int nodeId) throws IOException {
        List<JsonNode> started = events(nodeId, "started");
        return started.get(started.size() - 1);
    }
}
