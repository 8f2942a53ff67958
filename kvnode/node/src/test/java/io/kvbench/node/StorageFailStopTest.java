package io.kvbench.node;

import static io.kvbench.node.NodeRuntimeTest.bytes;
import static io.kvbench.node.NodeRuntimeTest.call;
import static io.kvbench.node.NodeRuntimeTest.connect;
import static io.kvbench.node.NodeRuntimeTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ErrorCode;
import io.kvbench.net.NettyResources;
import io.kvbench.node.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-stop on storage failure (issue 20, finding 6): a leader whose WAL write fails answers its in-flight client
 * STORAGE_FAILED, stops serving with one line naming the file and the operation, and never claims leadership again;
 * the others elect a leader of a later term. Before, it stayed up reporting {@code role: LEADER} in term 1 beside the
 * real leader of term 2. A restart on the still-full disk fails again, naming the file; once the disk has room it
 * starts from what its disk holds and catches up.
 */
@Timeout(180)
class StorageFailStopTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private Path diskFull(int id) {
        return directory.resolve("disk-full-" + id);
    }

    @Test
    void aLeaderWhoseDiskFailsStopsAndAnotherIsElected() throws Exception {
        try (LocalCluster cluster = TestClusters.start(3, directory, 50, id -> null, id -> DiskFullTrigger.when(diskFull(id)));
             NettyResources netty = new NettyResources("test-client", 1)) {
            int leader = cluster.awaitLeader(WAIT).nodeId();
            NodeRuntime failing = cluster.runtime(leader);
            long leaderTerm = failing.status().term();
            long clientId;
            try (ClientConnection toLeader = connect(netty, cluster, leader)) {
                clientId = ((KvResult.SessionRegistered) call(toLeader, new KvCommand.RegisterSession())).clientId();
                assertThat(call(toLeader, put(clientId, 1))).isInstanceOf(KvResult.Written.class);

                Files.createFile(diskFull(leader));
                ClientResponse inFlight = toLeader.command(KvCommandCodec.encode(put(clientId, 2), 0)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                // Its entry may yet be committed by the others: STORAGE_FAILED is no "not applied" (the client retries).
                assertThat(inFlight).isInstanceOfSatisfying(ClientResponse.Error.class, error -> {
                    assertThat(error.code()).isEqualTo(ErrorCode.STORAGE_FAILED);
                    assertThat(error.message()).contains("No space left on device");
                });
            }

            String line = failing.whenStorageFailed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(line).startsWith("kvnode " + leader + ": storage failed, stopping: ")
                    .containsPattern("(write|fdatasync|fsync) " + java.util.regex.Pattern.quote(cluster.dataDirectory(leader).toString()))
                    .contains("No space left on device")
                    .doesNotContain("\n");
            assertThat(failing.status().role()).isEqualTo("FAILED");
            assertThat(failing.status().storageFailed()).isTrue();
            TestClusters.awaitCondition(() -> refusesConnections(netty, cluster, leader), WAIT, "its client port to close");

            int newLeader = awaitLeaderOtherThan(cluster, leader);
            assertThat(cluster.runtime(newLeader).status().term()).isGreaterThan(leaderTerm);
            try (ClientConnection toNewLeader = connect(netty, cluster, newLeader)) {
                assertThat(read(toNewLeader, "key-1")).isEqualTo("v1");
                // The retry of the write the failed leader answered STORAGE_FAILED: applied once, whichever copy.
                assertThat(call(toNewLeader, put(clientId, 2))).isInstanceOf(KvResult.Written.class);
                assertThat(read(toNewLeader, "key-2")).isEqualTo("v2");
            }
            assertThat(failing.status().role()).as("the failed node never claims leadership again").isEqualTo("FAILED");

            // Restarted on the still-full disk: it stops again at its first write, naming the file. Started here, not
            // by the cluster, which would wait for a node that serves.
            cluster.kill(leader);
            try (NodeRuntime again = NodeRuntime.start(cluster.config(leader), null, DiskFullTrigger.when(diskFull(leader)))) {
                String restartLine = again.whenStorageFailed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(restartLine).containsPattern("(write|fdatasync|fsync) "
                        + java.util.regex.Pattern.quote(cluster.dataDirectory(leader).toString()));
            }

            // The disk has room again: it starts from what its disk holds and catches up.
            Files.delete(diskFull(leader));
            cluster.start(leader);
            long committed = cluster.runtime(newLeader).status().commitIndex();
            TestClusters.awaitCondition(() -> cluster.runtime(leader).status().appliedIndex() >= committed, WAIT,
                    "the repaired node to catch up");
            assertThat(cluster.runtime(leader).whenStorageFailed()).isNotDone();
        }
    }

    private static boolean refusesConnections(NettyResources netty, LocalCluster cluster, int id) {
        try (ClientConnection ignored = connect(netty, cluster, id)) {
            return false;
        } catch (Exception refused) {
            return true;
        }
    }

    private static int awaitLeaderOtherThan(LocalCluster cluster, int failed) {
        TestClusters.awaitCondition(() -> leaderOtherThan(cluster, failed).isPresent(), WAIT,
                "a leader other than the failed node " + failed);
        return leaderOtherThan(cluster, failed).orElseThrow();
    }

    private static Optional<Integer> leaderOtherThan(LocalCluster cluster, int failed) {
        return cluster.nodeIds().stream().filter(id -> id != failed && "LEADER".equals(cluster.runtime(id).status().role())).findFirst();
    }

    private static KvCommand.Put put(long clientId, long seq) {
        return new KvCommand.Put(clientId, seq, seq, "key-" + seq, bytes("v" + seq));
    }
}
