package io.kvbench.node;

import static io.kvbench.node.NodeRuntimeTest.bytes;
import static io.kvbench.node.NodeRuntimeTest.call;
import static io.kvbench.node.NodeRuntimeTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A WAL that cannot keep up makes the node stop reading client sockets, not block its event loop: the loop goes on
 * ticking while the disk is stuck, the requests sent meanwhile are not read, and once the WAL drains they are read,
 * answered and applied. With either {@code --wal-commit}: with {@code event-loop-when-idle} the loop commits only while
 * the WAL thread is idle and, as leader, only with one request or none unanswered; beyond that its held batches go to
 * the WAL thread ({@code Wal.queueHeld}), where a stuck disk fills the queue as it does by default.
 */
@Timeout(120)
class WalBackPressureTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;
    private Path eventLog;

    /**
     * Two batches waiting fill the queue. Not one: right after a submit its batch waits until the WAL thread wakes to
     * take it, so with room for one the node could pause (and stay paused while that batch's fsync is held) on the
     * very write the WAL thread was about to take, or pause and resume at once, whichever the race gave. With two,
     * the batch in the WAL thread's hands never fills the queue, and the queue only grows while that fsync is held.
     */
    private static final int QUEUE_CAPACITY_BATCHES = 2;

    /** Holds the WAL thread in its next fsync, once armed, until released. */
    private final CountDownLatch walHeld = new CountDownLatch(1);
    private final CountDownLatch releaseWal = new CountDownLatch(1);
    private volatile boolean holdNextForce;

    /**
     * The WAL's queue holds two batches, and the WAL thread's next {@code force} after arming blocks. Armed once a write
     * was answered, so the blocked fsync is a later group's: an answered write's fsync has returned. (Holding in the
     * commit observer instead raced: it runs after the group's callbacks, so a reply could reach the test and arm
     * the hold before the observer of that same group ran, which then held the WAL before the next write.) Forces on
     * other threads are not held: the event loop's own commits ({@code --wal-commit event-loop-when-idle}; holding one
     * would hold the loop, the price of that setting, docs/design.md) and the segment preallocator's.
     */
    private UnaryOperator<WalOptions> holdingWal() {
        return options -> {
            FileChannelFactory files = options.channelFactory();
            return options.withQueueCapacityBatches(QUEUE_CAPACITY_BATCHES).withChannelFactory((path, openOptions) ->
                    new ForwardingFileChannel(files.open(path, openOptions)) {
                        @Override
                        public void force(boolean metaData) throws IOException {
                            if (holdNextForce && onWalThread()) {
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

    /** The WAL's own thread ({@code wal-<directory>}), not its preallocator ({@code wal-prealloc-<directory>}). */
    private static boolean onWalThread() {
        String thread = Thread.currentThread().getName();
        return thread.startsWith("wal-") && !thread.startsWith("wal-prealloc-");
    }

    @SuppressWarnings("try") // letWalGo is only closed
    @ParameterizedTest(name = "--wal-commit {0}")
    @ValueSource(strings = {"wal-thread", "event-loop-when-idle"})
    void aFullWalQueuePausesClientReadsWithoutBlockingTheEventLoop(String walCommit) throws Exception {
        LocalClusterSpec spec = LocalClusterSpec.builder().nodeCount(1).auditWrites(false)
                .extraNodeArguments(List.of("--wal-commit", walCommit))
                .inProcess(config -> NodeRuntime.start(config, null, holdingWal())).build();
        // Resources close last first: the WAL thread is let go before the node closes, which waits for it.
        try (LocalCluster cluster = LocalCluster.start(spec, directory);
             NettyResources netty = new NettyResources("test-client", 1);
             ClientConnection connection = ClientConnection.connect(netty, cluster.clientAddress(1)).get(5, TimeUnit.SECONDS);
             AutoCloseable letWalGo = releaseWal::countDown) {
            NodeRuntime node = cluster.runtime(1);
            eventLog = cluster.eventLog(1);
            TestClusters.awaitCondition(() -> "LEADER".equals(node.status().role()), WAIT, "the single node to lead");
            long clientId = ((KvResult.SessionRegistered) call(connection, new KvCommand.RegisterSession())).clientId();
            long registeredNanos = System.nanoTime();
            TestClusters.awaitCondition(() -> node.status().monotonicNanos() > registeredNanos, WAIT, "a status refresh");
            long registrationIndex = node.status().lastIndex();
            // The setting is in force: with loop commits the election's writes and the registration, each alone, were
            // committed on the event loop.
            if (walCommit.equals("event-loop-when-idle")) {
                assertThat(node.status().writePath().walLoopCommits()).as("commits on the event loop").isPositive();
            } else {
                assertThat(node.status().writePath().walLoopCommits()).as("commits on the event loop").isZero();
            }

            // Two writes read in one turn: the leader has two requests unanswered, so with either setting their batch
            // goes to the WAL thread, whose fsync of it is held. Both wait, unanswered.
            holdNextForce = true;
            List<CompletableFuture<ClientResponse>> writes = new ArrayList<>(sendInOneSocketWrite(netty, connection,
                    KvCommandCodec.encode(put(clientId, 1), 0), KvCommandCodec.encode(put(clientId, 2), 0)));
            assertThat(walHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the WAL thread's fsync held").isTrue();

            // One batch waits in the queue: not full yet, so the next write is read too. (With loop commits the leader
            // held it in its turn, then, more than one request unanswered, queued it behind the WAL thread's work.)
            writes.add(connection.command(KvCommandCodec.encode(put(clientId, 3), 0)));
            TestClusters.awaitCondition(() -> node.status().lastIndex() == registrationIndex + 3, WAIT,
                    "the third write to be in the log");
            // A second batch fills it, so the node stops reading clients: in the turn that proposed the fourth write
            // (with loop commits, in the task that queued its batch, run before the loop reads its sockets again).
            writes.add(connection.command(KvCommandCodec.encode(put(clientId, 4), 0)));
            TestClusters.awaitCondition(() -> node.status().lastIndex() == registrationIndex + 4, WAIT,
                    "the fourth write to be in the log");
            // Looked for only now: a node that finds two batches queued at once as it takes office pauses for a moment too.
            TestClusters.awaitCondition(() -> eventLog().contains("client_reads_paused"), WAIT, "client reads to pause");

            // Sent while paused: not read. The event loop still ticks (the status is refreshed every 10 ticks).
            writes.add(connection.command(KvCommandCodec.encode(put(clientId, 5), 0)));
            long sentNanos = System.nanoTime();
            TestClusters.awaitCondition(() -> node.status().monotonicNanos() > sentNanos + 100_000_000L, WAIT,
                    "the event loop to go on ticking with the WAL thread held");
            assertThat(node.status().lastIndex()).as("no request read while paused").isEqualTo(registrationIndex + 4);
            assertThat(writes).as("no write answered while its fsync is held").noneMatch(CompletableFuture::isDone);

            // Once the WAL drains, the write sent while paused is read too, and every write is answered and applied.
            releaseWal.countDown();
            for (CompletableFuture<ClientResponse> write : writes) {
                ClientResponse response = write.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(response).isInstanceOf(ClientResponse.Result.class);
                assertThat(KvResultCodec.decode(((ClientResponse.Result) response).result())).isInstanceOf(KvResult.Written.class);
            }
            TestClusters.awaitCondition(() -> count(eventLog(), "client_reads_resumed") == count(eventLog(), "client_reads_paused"),
                    WAIT, "client reads to resume");
            for (long seq = 1; seq <= writes.size(); seq++) {
                assertThat(read(connection, "key-" + seq)).as("write %d, acknowledged", seq).isEqualTo("value-" + seq);
            }
            assertThat(node.status().role()).isEqualTo("LEADER");
        }
    }

    /**
     * Sends {@code commands} from the connection's own event loop (the client's one thread): its flushes are merged
     * into one socket write ({@link io.netty.handler.flush.FlushConsolidationHandler}), so the node reads the frames
     * together and proposes them in one turn.
     */
    private static List<CompletableFuture<ClientResponse>> sendInOneSocketWrite(NettyResources netty,
            ClientConnection connection, byte[]... commands) throws Exception {
        return netty.group().submit(() -> Arrays.stream(commands).map(connection::command).toList())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static KvCommand.Put put(long clientId, long seq) {
        return new KvCommand.Put(clientId, seq, seq, "key-" + seq, bytes("value-" + seq));
    }

    private static long count(String text, String word) {
        return text.lines().filter(line -> line.contains(word)).count();
    }

    private String eventLog() {
        try {
            return Files.readString(eventLog);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
