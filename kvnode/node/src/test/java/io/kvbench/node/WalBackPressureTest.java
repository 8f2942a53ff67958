package io.kvbench.node;

import static io.kvbench.node.NodeRuntimeTest.bytes;
import static io.kvbench.node.NodeRuntimeTest.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.NettyResources;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.wal.FileChannelFactory;
import io.kvbench.wal.ForwardingFileChannel;
import io.kvbench.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WAL that cannot keep up makes the node stop reading client sockets, not block its event loop: the loop goes on
 * ticking while the disk is stuck, the requests sent meanwhile are not read, and once the WAL drains they are read
 * and answered.
 */
@Timeout(120)
class WalBackPressureTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;
    private Path eventLog;

    /** Holds the WAL thread in its next fsync, once armed, until released. */
    private final CountDownLatch walHeld = new CountDownLatch(1);
    private final CountDownLatch releaseWal = new CountDownLatch(1);
    private volatile boolean holdNextForce;

    /**
     * The WAL's queue holds one batch, and its files' next {@code force} after arming blocks. Armed once a write was
     * answered, so the blocked fsync is a later group's: an answered write's fsync has returned. (Holding in the
     * commit observer instead raced: it runs after the group's callbacks, so a reply could reach the test and arm
     * the hold before the observer of that same group ran, which then held the WAL before the next write.)
     */
    private UnaryOperator<WalOptions> holdingWal() {
        return options -> {
            FileChannelFactory files = options.channelFactory();
            return options.withQueueCapacityBatches(1).withChannelFactory((path, openOptions) ->
                    new ForwardingFileChannel(files.open(path, openOptions)) {
                        @Override
                        public void force(boolean metaData) throws IOException {
                            if (holdNextForce) {
                                holdNextForce = false;
                                walHeld.countDown();
                                try {
                                    releaseWal.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                            super.force(metaData);
                        }
                    });
        };
    }

    @Test
    void aFullWalQueuePausesClientReadsWithoutBlockingTheEventLoop() throws Exception {
        // Every batch to the WAL thread (the default, named here): with --wal-commit event-loop-when-idle this leader, one
        // request unanswered, would commit the first write on its event loop, and the held fsync would hold the loop too
        // (the price of that setting, docs/design.md); the queue fills like this once the WAL thread is busy.
        LocalClusterSpec spec = LocalClusterSpec.builder().nodeCount(1).auditWrites(false)
                .extraNodeArguments(java.util.List.of("--wal-commit", "wal-thread"))
                .inProcess(config -> NodeRuntime.start(config, null, holdingWal())).build();
        try (LocalCluster cluster = LocalCluster.start(spec, directory);
             NettyResources netty = new NettyResources("test-client", 1);
             ClientConnection connection = ClientConnection.connect(netty, cluster.clientAddress(1)).get(5, TimeUnit.SECONDS)) {
            NodeRuntime node = cluster.runtime(1);
            eventLog = cluster.eventLog(1);
            TestClusters.awaitCondition(() -> "LEADER".equals(node.status().role()), WAIT, "the single node to lead");
            long clientId = ((KvResult.SessionRegistered) call(connection, new KvCommand.RegisterSession())).clientId();

            // This write's fsync holds the WAL thread: the write waits, unanswered.
            holdNextForce = true;
            CompletableFuture<ClientResponse> held = connection.command(KvCommandCodec.encode(put(clientId, 1), 0));
            assertThat(walHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            // This write's batch waits in the queue (capacity 1): full, so the node stops reading clients.
            CompletableFuture<ClientResponse> queued = connection.command(KvCommandCodec.encode(put(clientId, 2), 0));
            TestClusters.awaitCondition(() -> Files.exists(eventLog)
                    && eventLog().contains("client_reads_paused"), WAIT, "client reads to pause");
            long pausedNanos = System.nanoTime();
            TestClusters.awaitCondition(() -> node.status().monotonicNanos() > pausedNanos, WAIT, "a status refresh");
            long lastIndexWhilePaused = node.status().lastIndex();

            // Sent while paused: not read. The event loop still ticks (the status is refreshed every 10 ticks).
            CompletableFuture<ClientResponse> unread = connection.command(KvCommandCodec.encode(put(clientId, 3), 0));
            long sentNanos = System.nanoTime();
            TestClusters.awaitCondition(() -> node.status().monotonicNanos() > sentNanos + 100_000_000L, WAIT,
                    "the event loop to go on ticking with the WAL thread held");
            assertThat(node.status().lastIndex()).as("no request read while paused").isEqualTo(lastIndexWhilePaused);
            assertThat(held).isNotDone();
            assertThat(queued).isNotDone();
            assertThat(unread).isNotDone();

            releaseWal.countDown();
            assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ClientResponse.Result.class);
            assertThat(queued.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ClientResponse.Result.class);
            assertThat(unread.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ClientResponse.Result.class);
            TestClusters.awaitCondition(() -> node.status().lastIndex() > lastIndexWhilePaused, WAIT,
                    "the request sent while paused to be in the log");
            TestClusters.awaitCondition(() -> eventLog().contains("client_reads_resumed"), WAIT, "client reads to resume");
        } finally {
            releaseWal.countDown();
        }
    }

    private static KvCommand.Put put(long clientId, long seq) {
        return new KvCommand.Put(clientId, seq, seq, "key-" + seq, bytes("value-" + seq));
    }

    private String eventLog() {
        try {
            return Files.readString(eventLog);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
