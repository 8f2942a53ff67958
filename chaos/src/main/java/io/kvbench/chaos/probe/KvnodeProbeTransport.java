package io.kvbench.chaos.probe;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.net.ClientConnection;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ClientServerConfig;
import io.kvbench.net.NettyResources;
import io.kvbench.net.WireFormat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Probe writes to every kvnode node, each to that node only: a raw PUT on the node's client protocol
 * ({@link ClientConnection}), not through KvClient, which follows the leader and retries after its attempt
 * timeout. A follower or candidate refuses at once (NotLeader); the new leader proposes the write behind its
 * term's first entry and acknowledges it once committed, so the first acknowledgement comes from the first node
 * that can commit, with no client timeout in the way.
 *
 * <p>Nothing on the critical path waits for a handshake or a registration: each node's connection is opened, and
 * each node gets a client session of its own registered through the log (Raft dissertation §6.3), in
 * {@link #prepare}, before the fault. Writes on a node's connection are pipelined, so many can be outstanding (at
 * most {@link #MAX_OUTSTANDING_PER_NODE}, the node's own bound per connection: beyond it the node would refuse them
 * OVERLOADED); each carries the next sequence number of that node's session with {@code firstUnackedSeq = seq}
 * (the probe never retries, so the session keeps no old replies), and one session per node keeps each session's
 * writes in the order they reach its one node. Before each fault every session is kept alive through the log,
 * since only the leader's is used between faults; one the state machine no longer knows (expired, evicted) is
 * registered again.
 */
final class KvnodeProbeTransport implements ProbeTransport {
    static final int MAX_OUTSTANDING_PER_NODE = ClientServerConfig.DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final NettyResources netty;
    private final Map<Integer, Node> nodes = new LinkedHashMap<>();

    private static final class Node {
        final InetSocketAddress address;
        volatile ClientConnection connection;
        volatile long clientId = -1;
        int outstanding;
        boolean down;

        Node(InetSocketAddress address) {
            this.address = address;
        }

        boolean connected() {
            ClientConnection current = connection;
            return current != null && current.isOpen();
        }
    }

    KvnodeProbeTransport(NettyResources netty, Map<Integer, InetSocketAddress> clientAddresses) {
        this.netty = netty;
        clientAddresses.forEach((id, address) -> nodes.put(id, new Node(address)));
    }

    @Override
    public void prepare(long deadlineNanos) throws IOException, InterruptedException {
        for (Node node : nodes.values()) {
            if (!node.connected()) node.connection = connect(node.address, deadlineNanos);
        }
        for (Map.Entry<Integer, Node> entry : nodes.entrySet()) {
            Node node = entry.getValue();
            if (!node.connected()) continue;
            // Only the leader's session is touched by the rehearsal (followers refuse it), so every other node's
            // would expire idle or be evicted first (§6.3) and that node, once leader, would refuse every probe
            // write of its trial. Keeping each alive through the log before each fault prevents that.
            if (node.clientId > 0 && commitThroughLeader(entry.getKey(), new KvCommand.KeepAlive(node.clientId), deadlineNanos)
                    instanceof KvResult.SessionUnknown) {
                node.clientId = -1;
            }
            if (node.clientId < 0) node.clientId = register(entry.getKey(), deadlineNanos);
        }
        netty.group().submit(() -> nodes.values().forEach(node -> node.down = false)).sync();
    }

    private ClientConnection connect(InetSocketAddress address, long deadlineNanos) throws InterruptedException {
        long remainingMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        try {
            return ClientConnection.connect(netty, address, WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, (int) Math.min(remainingMillis, 5_000))
                    .get(remainingMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null; // not reachable now: left out of this trial, tried again before the next
        }
    }

    /** Registers a session through the log; its id is the index of its registering entry, the same on every node. */
    private long register(int nodeId, long deadlineNanos) throws IOException, InterruptedException {
        KvResult result = commitThroughLeader(nodeId, new KvCommand.RegisterSession(), deadlineNanos);
        if (result instanceof KvResult.SessionRegistered registered) return registered.clientId();
        throw new IOException("probe: registering a kvnode session for node " + nodeId + " answered " + result);
    }

    /**
     * Commits {@code command} through the log and returns its result: asks node {@code nodeId}, follows its NotLeader
     * hint, tries the others while no leader is known, until {@code deadlineNanos}.
     */
    private KvResult commitThroughLeader(int nodeId, KvCommand command, long deadlineNanos) throws IOException, InterruptedException {
        byte[] encoded = KvCommandCodec.encode(command, 0);
        List<Integer> ids = new ArrayList<>(nodes.keySet());
        int target = nodeId;
        String last = "no node answered";
        while (System.nanoTime() - deadlineNanos < 0) {
            Node node = nodes.get(target);
            if (node.connected()) {
                try {
                    ClientResponse response = node.connection.command(encoded)
                            .get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (response instanceof ClientResponse.Result result) return KvResultCodec.decode(result.result());
                    if (response instanceof ClientResponse.NotLeader notLeader && nodes.containsKey(notLeader.leaderId())
                            && notLeader.leaderId() != target) {
                        target = notLeader.leaderId();
                        continue;
                    }
                    last = "node " + target + " answered " + response;
                } catch (ExecutionException | TimeoutException e) {
                    last = "node " + target + ": " + e.getMessage();
                }
            }
            target = ids.get((ids.indexOf(target) + 1) % ids.size());
            LockSupport.parkNanos(RETRY_NANOS);
        }
        throw new IOException("probe: " + command.getClass().getSimpleName() + " for node " + nodeId
                + "'s kvnode session not committed before the deadline (" + last + ")");
    }

    @Override
    public boolean canSend(int nodeId) {
        Node node = nodes.get(nodeId);
        return !node.down && node.clientId > 0 && node.outstanding < MAX_OUTSTANDING_PER_NODE && node.connected();
    }

    @Override
    public void send(int nodeId, long sequence, String key, String value, AnswerCallback answer) {
        Node node = nodes.get(nodeId);
        long clientId = node.clientId;
        byte[] payload = KvCommandCodec.encode(new KvCommand.Put(clientId, sequence, sequence, key,
                value.getBytes(StandardCharsets.UTF_8)), 0);
        node.outstanding++;
        // The connection's event loop is the probe's, so the answer is handled on this thread.
        node.connection.command(payload).whenComplete((response, error) -> {
            long nanos = System.nanoTime();
            node.outstanding--;
            answer.answered(nanos, classify(node, clientId, response, error));
        });
    }

    private static ProbeWrite.Answer classify(Node node, long clientId, ClientResponse response, Throwable error) {
        if (error != null) {
            node.down = true; // its connection closed: the node died (a kill); left alone for the rest of the trial
            return ProbeWrite.Answer.LOST;
        }
        if (!(response instanceof ClientResponse.Result result)) return ProbeWrite.Answer.REFUSED; // NotLeader, an error
        KvResult decoded = KvResultCodec.decode(result.result());
        if (decoded instanceof KvResult.Written) return ProbeWrite.Answer.ACKNOWLEDGED;
        if (decoded instanceof KvResult.SessionUnknown && node.clientId == clientId) node.clientId = -1;
        return ProbeWrite.Answer.REFUSED;
    }

    /** Nothing to drop: a node's answers to an ended trial's writes reach only that trial's callbacks, which ignore them. */
    @Override
    public void endTrial() {
    }

    @Override
    public void close() {
        for (Node node : nodes.values()) {
            ClientConnection connection = node.connection;
            if (connection != null) connection.close();
        }
    }
}
