package io.kvbench.node;

import static io.kvbench.node.NodeRuntimeTest.bytes;
import static io.kvbench.node.NodeRuntimeTest.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvResult;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.NettyResources;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.wal.FileChannelFactory;
import io.kvbench.wal.ForwardingFileChannel;
import io.kvbench.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --wal-commit event-loop-when-idle} (the default) a follower's fsync runs on its event loop, so a disk
 * stall holds the loop: the follower must not then count the stall as the leader's silence and stand for election
 * before it reads the heartbeats that arrived meanwhile (issue 19; {@code DeadlineTicks.discount}).
 */
@Timeout(120)
class LoopCommitStallTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Longer than the largest election timeout (300 ms), so an undiscounted stall always reaches it. */
    private static final long STALL_MILLIS = 700;

    @TempDir
    Path directory;

    /** The node whose next force stalls once armed (0: none). */
    private final AtomicInteger stallNode = new AtomicInteger();
    private final CountDownLatch stallStarted = new CountDownLatch(1);
    private final CountDownLatch stallEnded = new CountDownLatch(1);
    private volatile String stallThread;

    private UnaryOperator<WalOptions> stallingWal(int nodeId) {
        return options -> {
            FileChannelFactory files = options.channelFactory();
            return options.withChannelFactory((path, openOptions) -> new ForwardingFileChannel(files.open(path, openOptions)) {
                @Override
                public void force(boolean metaData) throws IOException {
                    // The segment preallocator's forces run on a thread of its own, off the write path: not stalled.
                    if (!Thread.currentThread().getName().startsWith("wal-prealloc-") && stallNode.compareAndSet(nodeId, 0)) {
                        stallThread = Thread.currentThread().getName();
                        stallStarted.countDown();
                        try {
                            Thread.sleep(STALL_MILLIS); // the injected disk stall itself, not a wait for the test
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        stallEnded.countDown();
                    }
                    super.force(metaData);
                }
            });
        };
    }

    @Test
    void aFollowerWhoseLoopStalledInItsOwnFsyncReadsTheLeaderBeforeStandingForElection() throws Exception {
        try (LocalCluster cluster = TestClusters.start(3, directory, 50, id -> null, this::stallingWal);
             NettyResources netty = new NettyResources("test-client", 1)) {
            int leader = cluster.awaitLeader(WAIT).nodeId();
            int follower = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
            long term = cluster.runtime(leader).status().term();
            try (ClientConnection connection = ClientConnection.connect(netty, cluster.clientAddress(leader))
                    .get(5, TimeUnit.SECONDS)) {
                long clientId = ((KvResult.SessionRegistered) call(connection, new KvCommand.RegisterSession())).clientId();
                String eventsBefore = Files.readString(cluster.eventLog(follower));

                stallNode.set(follower);
                // Committed by the leader and the other follower while this follower's disk stalls.
                assertThat(call(connection, new KvCommand.Put(clientId, 1, 1, "key", bytes("value"))))
                        .isInstanceOf(KvResult.Written.class);
                assertThat(stallStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(stallThread).as("the fsync ran on the follower's event loop").doesNotStartWith("wal-");
                assertThat(stallEnded.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

                // After the stall the follower catches up with the leader's commit (it read what came meanwhile) ...
                long commitIndex = cluster.runtime(leader).status().commitIndex();
                TestClusters.awaitCondition(() -> cluster.runtime(follower).status().commitIndex() >= commitIndex, WAIT,
                        "the stalled follower to catch up");
                // ... and one more heartbeat round later it still follows, never having stood for election.
                long caughtUpNanos = System.nanoTime();
                TestClusters.awaitCondition(() -> cluster.runtime(follower).status().monotonicNanos()
                        > caughtUpNanos + 100_000_000L, WAIT, "the follower's status 100 ms later");
                String events = Files.readString(cluster.eventLog(follower)).substring(eventsBefore.length());
                assertThat(events).doesNotContain("PRE_CANDIDATE").doesNotContain("CANDIDATE");
                assertThat(cluster.runtime(follower).status().role()).isEqualTo("FOLLOWER");
                assertThat(cluster.runtime(leader).status().term()).isEqualTo(term);
            }
        }
    }
}
