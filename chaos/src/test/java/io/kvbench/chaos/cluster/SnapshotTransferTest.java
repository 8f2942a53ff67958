package io.kvbench.chaos.cluster;

import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeJvmOptions;
import io.kvbench.node.local.NodeStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20, finding 2, on real processes: a follower that needs a snapshot over the 16 MiB peer frame limit (state
 * ~30 MB) was sent it as one frame, which the leader dropped, again every ~200 ms, forever, with nothing in status.
 * Here a follower, down while 40 values of 1 MiB were written and the log compacted, is sent the snapshot in chunks;
 * the leader's status shows the transfer's progress; mid-transfer the follower is stopped and its links cut until
 * the connections that lost bytes are closed, then it resumes and the transfer goes on from what the follower had
 * staged (one transfer, never restarted); the follower installs it and catches up. Every wait is on a condition with a
 * deadline.
 * <p>
 * The 100 MiB measurement (issue 20: "test with a state of at least 100 MiB"), without the cut:
 * {@code mvn -pl chaos -am verify -Dtest=SnapshotTransferTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dkvbench.snapshotTransfer.values=110 -Dkvbench.snapshotTransfer.heap=1g -Dkvbench.snapshotTransfer.cut=false}.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SnapshotTransferTest {
    private static final int VALUE_BYTES = 1 << 20;
    private static final int VALUES = Integer.getInteger("kvbench.snapshotTransfer.values", 40);
    private static final String HEAP = System.getProperty("kvbench.snapshotTransfer.heap", "256m");
    private static final boolean CUT = Boolean.parseBoolean(System.getProperty("kvbench.snapshotTransfer.cut", "true"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path runDirectory;

    @Test
    void aSnapshotLargerThanAFrameReachesAFollowerInChunksAndResumesAfterADroppedConnection() throws Exception {
        List<String> jvm = new ArrayList<>(NodeJvmOptions.split(NodeJvmOptions.FAILOVER));
        jvm.replaceAll(option -> option.startsWith("-Xmx") ? "-Xmx" + HEAP : option);
        LocalClusterSpec spec = LocalClusterSpec.builder().electionTimeoutMillis(1000, 2000).heartbeatMillis(100)
                .jvmOptions(jvm).build();
        try (LocalKvCluster cluster = LocalKvCluster.start(spec, NetworkMode.PROXY, runDirectory)) {
            LeaderInfo leader = cluster.awaitLeader(Duration.ofSeconds(30));
            int follower = leader.nodeId() == 1 ? 2 : 1;
            cluster.kill(follower);
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) 'v');
            KvClientOptions options = KvClientOptions.defaults().withAttemptTimeoutMillis(2_000).withOperationTimeoutMillis(60_000);
            try (KvClient client = KvClient.await(KvClient.connect(new ArrayList<>(cluster.clientAddresses().values()), options))) {
                for (int i = 0; i < VALUES; i++) KvClient.await(client.put(String.format("value-%04d", i), value));
            }
            JsonNode leaderStatus = status(cluster, leader.nodeId());
            long commit = leaderStatus.path("commitIndex").asLong();
            assertThat(leaderStatus.path("firstIndex").asLong()).as("the leader compacted its log past what the follower has")
                    .isGreaterThan(1);

            long restartNanos = System.nanoTime();
            cluster.restart(follower);
            // The leader's status shows the transfer: the follower, SNAPSHOT, bytes acknowledged of the whole.
            JsonNode transfer = awaitLeaderTransfer(cluster, leader.nodeId(), follower);
            long totalBytes = transfer.path("snapshotBytes").asLong();
            System.out.printf("the leader sends n%d a snapshot of %d bytes: %s%n", follower, totalBytes, transfer);
            assertThat(totalBytes).as("larger than the 16 MiB peer frame limit").isGreaterThan(16L << 20);

            if (CUT) cutMidTransfer(cluster, leader.nodeId(), follower, totalBytes);

            JsonNode caughtUp = JSON.readTree(cluster.awaitApplied(follower, commit, Duration.ofSeconds(240)).json());
            long catchUpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNanos);
            JsonNode received = onlyEvent(cluster, follower, "snapshot_received");
            System.out.printf("n%d installed %d bytes %d ms after its first chunk, applied index %d %d ms after its restart; "
                            + "state %d bytes; heap pools' peaks summed %d, old generation's peak %d of %d%n", follower,
                    received.path("bytes").asLong(), received.path("elapsed_ms").asLong(), caughtUp.path("appliedIndex").asLong(),
                    catchUpMillis, caughtUp.path("budgets").path("stateBytes").asLong(),
                    caughtUp.path("memory").path("heapPoolPeaksBytes").asLong(),
                    caughtUp.path("memory").path("heapOldPeakBytes").asLong(), caughtUp.path("memory").path("heapMaxBytes").asLong());
            assertThat(received.path("bytes").asLong()).isEqualTo(totalBytes);
            assertThat(caughtUp.path("keys").asInt()).isEqualTo(VALUES);
            assertThat(caughtUp.path("budgets").path("stateBytes").asLong())
                    .isEqualTo(status(cluster, leader.nodeId()).path("budgets").path("stateBytes").asLong());
            // One transfer from start to end, never started over (resumed after the cut), and the leader's done.
            assertThat(events(cluster, follower, "snapshot_receive_started")).hasSize(1);
            assertThat(events(cluster, leader.nodeId(), "snapshot_send_started")).hasSize(1);
            JsonNode sent = onlyEvent(cluster, leader.nodeId(), "snapshot_sent");
            assertThat(sent.path("peer").asInt()).isEqualTo(follower);
            assertThat(Files.readString(cluster.logFile(leader.nodeId()))).doesNotContain("frames are limited to");
            // Nothing left of the transfer once the follower replicates again.
            JsonNode after = awaitStatus(cluster, leader.nodeId(), "the follower replicating again", s -> followerOf(s, follower)
                    .map(f -> f.path("state").asText().equals("REPLICATE")).orElse(false));
            assertThat(followerOf(after, follower).orElseThrow().path("snapshotBytes").asLong()).isZero();
        }
    }

    /**
     * Stops the follower (SIGSTOP) while it has staged part of the snapshot, cuts its links so that what the leader sends
     * is lost, heals them (the connections that lost bytes are closed: the leader dials again) and lets it go on.
     */
    private static void cutMidTransfer(LocalKvCluster cluster, int leaderId, int follower, long totalBytes) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long staged;
        while (true) {
            Optional<NodeStatus> status = cluster.status(follower);
            staged = status.map(s -> readTree(s.json()).path("snapshotReceiving").path("receivedBytes").asLong()).orElse(0L);
            if (staged > 0 && staged < totalBytes / 2) break;
            assertThat(staged).as("the cut must come mid-transfer").isLessThan(totalBytes / 2);
            if (System.nanoTime() > deadline) throw new AssertionError("the follower staged nothing within 60 s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        cluster.pause(follower);
        cluster.isolate(follower);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1500)); // the leader's transfer resends into the cut
        cluster.rejoin(follower);
        cluster.resume(follower);
        JsonNode resumed = awaitStatus(cluster, follower, "the transfer resumed past the cut", s -> {
            JsonNode receiving = s.path("snapshotReceiving");
            return s.path("appliedIndex").asLong() > 1 || receiving.path("receivedBytes").asLong() > totalBytes / 2;
        });
        System.out.printf("cut n%d's links with %d of %d bytes staged; after the cut: %s%n", follower, staged, totalBytes,
                resumed.path("snapshotReceiving"));
        System.out.printf("leader n%d after the cut: %s%n", leaderId, status(cluster, leaderId).path("followers"));
    }

    private static JsonNode awaitLeaderTransfer(LocalKvCluster cluster, int leaderId, int follower) throws IOException {
        return followerOf(awaitStatus(cluster, leaderId, "a snapshot transfer to n" + follower, s -> followerOf(s, follower)
                .map(f -> f.path("state").asText().equals("SNAPSHOT") && f.path("snapshotBytes").asLong() > 0)
                .orElse(false)), follower).orElseThrow();
    }

    private static Optional<JsonNode> followerOf(JsonNode status, int follower) {
        for (JsonNode node : status.path("followers")) {
            if (node.path("id").asInt() == follower) return Optional.of(node);
        }
        return Optional.empty();
    }

    private static JsonNode status(LocalKvCluster cluster, int id) throws IOException {
        return awaitStatus(cluster, id, "n" + id + "'s status", s -> true);
    }

    private static JsonNode awaitStatus(LocalKvCluster cluster, int id, String what,
                                        java.util.function.Predicate<JsonNode> condition) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JsonNode last = null;
        while (true) {
            Optional<NodeStatus> status = cluster.status(id);
            if (status.isPresent()) {
                last = JSON.readTree(status.get().json());
                if (condition.test(last)) return last;
            }
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what + "; last status " + last);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static List<JsonNode> events(LocalKvCluster cluster, int id, String name) throws IOException {
        Path log = cluster.eventLog(id).orElseThrow();
        List<JsonNode> found = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode event = readTree(line);
            if (name.equals(event.path("event").asText())) found.add(event);
        }
        return found;
    }

    private static JsonNode onlyEvent(LocalKvCluster cluster, int id, String name) throws IOException {
        List<JsonNode> found = events(cluster, id, name);
        assertThat(found).as("n%d's %s events", id, name).hasSize(1);
        return found.get(0);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
