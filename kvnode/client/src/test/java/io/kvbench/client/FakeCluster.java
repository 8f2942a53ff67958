package io.kvbench.client;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.net.ClientRequest;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ClientServer;
import io.kvbench.net.ClientServerConfig;
import io.kvbench.net.ErrorCode;
import io.kvbench.net.NettyResources;
import io.kvbench.net.RequestKind;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Stand-in for a kvnode cluster: fake nodes on real {@link ClientServer}s sharing one state machine, which
 * one "core" thread applies entries to with increasing indices, as a committed log would. The leader applies
 * COMMANDs and answers READs; the others answer NotLeader with the leader's address. Faults are scripted per
 * node: silence, a dropped reply after applying, a crash after applying, one-shot canned answers.
 */
final class FakeCluster implements AutoCloseable {
    /** SILENT: like a SIGSTOPped node. PARKING: like a node during an election, holding requests until {@link #elect}. */
    enum Mode { SERVING, SILENT, PARKING }

    final KvStateMachine stateMachine;
    private final NettyResources resources = new NettyResources("fake-cluster", 2);
    /** The fake core thread: the state machine is single-threaded. */
    private final ExecutorService core = Executors.newSingleThreadExecutor();
    private final List<FakeNode> nodes = new ArrayList<>();
    private volatile int leaderIndex;
    private long lastIndex;
    /** The highest firstUnackedSeq any write carried, to see the watermark advance. */
    final AtomicLong highestFirstUnackedSeq = new AtomicLong();

    final class FakeNode {
        final int index;
        final ClientServer server;
        final InetSocketAddress address;
        volatile Mode mode = Mode.SERVING;
        /** One-shot answers for the next COMMAND or READ requests, given the request id. */
        final ConcurrentLinkedQueue<LongFunction<ClientResponse>> scripted = new ConcurrentLinkedQueue<>();
        final AtomicInteger dropRepliesAfterApply = new AtomicInteger();
        /** Apply the next command, make {@code crashThenLeader} the leader and close this node's server. */
        volatile int crashAfterApplyThenLeader = -1;
        final AtomicInteger requestsSeen = new AtomicInteger();
        /** Runs on the core thread before the next command is applied, once (other clients' entries, say). */
        final java.util.concurrent.atomic.AtomicReference<Runnable> beforeNextApply = new java.util.concurrent.atomic.AtomicReference<>();
        /** Requests held in PARKING mode, replayed by {@link #elect}; touched on the core thread only. */
        private final List<Runnable> parked = new ArrayList<>();

        FakeNode(int index) {
            this.index = index;
            this.server = new ClientServer(resources, ClientServerConfig.defaults(), this::onRequest);
            this.address = server.start(new InetSocketAddress("127.0.0.1", 0));
        }

        private void onRequest(ClientRequest request, ClientReplyChannel reply) {
            core.execute(() -> handle(request, reply));
        }

        private void handle(ClientRequest request, ClientReplyChannel reply) {
            long id = request.requestId();
            if (request.kind() == RequestKind.STATUS) {
                reply.reply(new ClientResponse.Status(id, "{\"nodeId\":" + (index + 1) + ",\"role\":\""
                        + (leaderIndex == index ? "leader" : "follower") + "\"}"));
                return;
            }
            requestsSeen.incrementAndGet();
            if (mode == Mode.SILENT) return;
            if (mode == Mode.PARKING) {
                parked.add(() -> handle(request, reply));
                return;
            }
            LongFunction<ClientResponse> canned = scripted.poll();
            if (canned != null) {
                reply.reply(canned.apply(id));
                return;
            }
            if (leaderIndex != index) {
                FakeNode leader = nodes.get(leaderIndex);
                reply.reply(new ClientResponse.NotLeader(id, leaderIndex + 1, "127.0.0.1:" + leader.address.getPort()));
                return;
            }
            if (request.kind() == RequestKind.READ) {
                KvCommand.Get get = (KvCommand.Get) KvCommandCodec.decode(request.payload()).command();
                byte[] value = stateMachine.read(get.key()).orElse(null);
                reply.reply(new ClientResponse.Result(id, KvResultCodec.encode(new KvResult.Value(value))));
                return;
            }
            KvCommand command = KvCommandCodec.decode(request.payload()).command();
            if (command instanceof KvCommand.Write write) {
                highestFirstUnackedSeq.accumulateAndGet(write.firstUnackedSeq(), Math::max);
            }
            Runnable before = beforeNextApply.getAndSet(null);
            if (before != null) before.run();
            // As a leader does: its quota stamped on the command (0: none).
            KvResult result = stateMachine.apply(++lastIndex, KvCommandCodec.withLeaderStamp(request.payload(), 0, quotaBytes));
            if (crashAfterApplyThenLeader >= 0) {
                leaderIndex = crashAfterApplyThenLeader;
                crashAfterApplyThenLeader = -1;
                server.close();
                return;
            }
            if (dropRepliesAfterApply.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return;
            reply.reply(new ClientResponse.Result(id, KvResultCodec.encode(result)));
        }

        void script(LongFunction<ClientResponse> answer) {
            scripted.add(answer);
        }

        void scriptError(ErrorCode code) {
            script(id -> new ClientResponse.Error(id, code, "scripted " + code));
        }
    }

    /** The quota the leader stamps on every command; 0 for none. */
    volatile long quotaBytes;

    FakeCluster(int nodeCount, int leaderIndex) {
        this(nodeCount, leaderIndex, 1_000, 3_600_000);
    }

    /** With the session table's bound and idle timeout (by the log's clock) the test needs. */
    FakeCluster(int nodeCount, int leaderIndex, int maxSessions, long sessionTimeoutMillis) {
        this.stateMachine = KvStateMachine.withWriteAudit(maxSessions, sessionTimeoutMillis, 100_000);
        for (int i = 0; i < nodeCount; i++) nodes.add(new FakeNode(i));
        this.leaderIndex = leaderIndex;
    }

    FakeNode node(int index) {
        return nodes.get(index);
    }

    void setLeader(int index) {
        leaderIndex = index;
    }

    /**
     * {@code index} wins an election: every PARKING node serves again and answers what it held, the new leader by
     * applying it, the others with NotLeader naming it (as kvnode does once a leader is known).
     */
    void elect(int index) throws Exception {
        onCore(() -> {
            leaderIndex = index;
            for (FakeNode node : nodes) {
                if (node.mode != Mode.PARKING) continue;
                node.mode = Mode.SERVING;
                List<Runnable> held = new ArrayList<>(node.parked);
                node.parked.clear();
                held.forEach(Runnable::run);
            }
            return null;
        });
    }

    List<InetSocketAddress> addresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (FakeNode node : nodes) addresses.add(node.address);
        return addresses;
    }

    /** "127.0.0.1:p1,127.0.0.1:p2" for the CLI. */
    String addressList() {
        StringBuilder text = new StringBuilder();
        for (FakeNode node : nodes) {
            if (text.length() > 0) text.append(',');
            text.append("127.0.0.1:").append(node.address.getPort());
        }
        return text.toString();
    }

    /** Appends {@code command} as if another client's entry committed, stamped {@code leaderTimeMillis}; core thread. */
    KvResult applyOnCore(KvCommand command, long leaderTimeMillis) {
        return stateMachine.apply(++lastIndex, KvCommandCodec.encode(command, leaderTimeMillis));
    }

    /** Reads the state machine on its own thread. */
    <T> T onCore(java.util.concurrent.Callable<T> query) throws Exception {
        return core.submit(query).get();
    }

    @Override
    public void close() {
        for (FakeNode node : nodes) node.server.close();
        core.shutdownNow();
        resources.close();
    }
}
