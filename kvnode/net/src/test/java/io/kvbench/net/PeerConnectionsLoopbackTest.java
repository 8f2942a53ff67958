package io.kvbench.net;

import io.kvbench.raft.Entry;
import io.kvbench.raft.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes of one cluster on loopback, each with a peer server and outbound connections to the other. */
class PeerConnectionsLoopbackTest {
    private static final String CLUSTER = "loopback";

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** One node's side of the network, as the runtime would assemble it. */
    private final class Node implements PeerConnectionListener {
        final int nodeId;
        final NettyResources resources;
        final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
        final AtomicInteger connects = new AtomicInteger();
        final AtomicInteger disconnects = new AtomicInteger();
        PeerServer server;
        PeerConnections connections;

        Node(int nodeId) {
            this.nodeId = nodeId;
            this.resources = new NettyResources("node-" + nodeId, 1);
        }

        InetSocketAddress listen(int port) {
            server = new PeerServer(resources, PeerServerConfig.of(CLUSTER, nodeId, Set.of(3 - nodeId)), received::add);
            return server.start(new InetSocketAddress("127.0.0.1", port));
        }

        void dial(InetSocketAddress peerAddress) {
            connections = new PeerConnections(resources,
                    PeerConnectionsConfig.of(CLUSTER, nodeId, Map.of(3 - nodeId, peerAddress)).withBackoffMillis(5, 50), this);
            connections.start();
        }

        @Override
        public void onPeerConnected(int peerNodeId) {
            connects.incrementAndGet();
        }

        @Override
        public void onPeerDisconnected(int peerNodeId) {
            disconnects.incrementAndGet();
        }

        void close() {
            if (connections != null) connections.close();
            if (server != null) server.close();
            resources.close();
        }
    }

    private Node node(int nodeId) {
        Node node = new Node(nodeId);
        opened.add(node::close);
        return node;
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : opened) closeable.close();
    }

    @Test
    void twoNodesExchangeMessagesInBothDirectionsInOrder() {
        Node one = node(1);
        Node two = node(2);
        InetSocketAddress oneAddress = one.listen(0);
        InetSocketAddress twoAddress = two.listen(0);
        one.dial(twoAddress);
        two.dial(oneAddress);
        Await.until("both connected", () -> one.connections.isConnected(2) && two.connections.isConnected(1));

        List<Message> fromOne = new ArrayList<>();
        for (int i = 1; i <= 1_000; i++) {
            fromOne.add(new Message.AppendRequest(1, 2, 3, i - 1, 3, List.of(Entry.command(i, 3, new byte[]{(byte) i})), i));
        }
        fromOne.forEach(message -> assertThat(one.connections.send(message)).isTrue());
        Message answer = new Message.AppendResponse(2, 1, 3, true, 1_000, 0, 0);
        assertThat(two.connections.send(answer)).isTrue();

        Await.until("all appends arrive", () -> two.received.size() == fromOne.size());
        Await.until("the answer arrives", () -> one.received.size() == 1);
        assertThat(two.received).containsExactlyElementsOf(fromOne);
        assertThat(one.received).containsExactly(answer);
        assertThat(one.connections.client(2).droppedMessageCount()).isZero();
    }

    @Test
    void aPeerThatConnectsToUsIsDialledBackAtOnceInsteadOfAfterTheBackoff() {
        Node one = node(1);
        Node two = node(2);
        // Reserve a port for node 2, free it, and let node 1 fail against it: its next try is backed off 30-60 s.
        InetSocketAddress twoAddress = two.listen(0);
        two.server.close();
        one.connections = new PeerConnections(one.resources,
                PeerConnectionsConfig.of(CLUSTER, 1, Map.of(2, twoAddress)).withBackoffMillis(60_000, 60_000), one);
        one.connections.start();
        Await.until("the first attempt failed", () -> one.connections.client(2).failedAttemptCount() >= 1);
        InetSocketAddress oneAddress = one.listen(0);
        one.server.close();
        // Node 1's server tells its connections when a peer completes a handshake, as NodeRuntime wires it.
        one.server = new PeerServer(one.resources, PeerServerConfig.of(CLUSTER, 1, Set.of(2)), one.received::add,
                peerNodeId -> { }, one.connections::peerIsUp);
        one.server.start(oneAddress);
        two.listen(twoAddress.getPort());

        two.dial(oneAddress); // node 2 comes up and connects to node 1

        Await.until("node 1 dialled node 2 back long before its 30 s backoff", () -> one.connections.isConnected(2));
        assertThat(one.connections.send(new Message.Heartbeat(1, 2, 1, 0, 1))).isTrue();
        Await.until("the heartbeat arrives", () -> two.received.size() == 1);
    }

    @Test
    void aConnectionComesBackAfterThePeerRestartsOnTheSamePort() {
        Node one = node(1);
        Node two = node(2);
        InetSocketAddress twoAddress = two.listen(0);
        one.dial(twoAddress);
        Await.until("connected", () -> one.connections.isConnected(2));
        assertThat(one.connections.send(new Message.Heartbeat(1, 2, 1, 0, 1))).isTrue();
        Await.until("first heartbeat arrives", () -> two.received.size() == 1);

        two.server.close();
        Await.until("the disconnection is reported", () -> one.disconnects.get() == 1);
        assertThat(one.connections.isConnected(2)).isFalse();
        assertThat(one.connections.send(new Message.Heartbeat(1, 2, 1, 0, 2))).as("dropped while down").isFalse();
        two.listen(twoAddress.getPort());

        Await.until("reconnected", () -> one.connects.get() == 2 && one.connections.isConnected(2));
        assertThat(one.connections.send(new Message.Heartbeat(1, 2, 1, 0, 3))).isTrue();
        Await.until("heartbeat after the restart arrives", () -> two.received.size() == 2);
        assertThat(two.received).extracting(message -> ((Message.Heartbeat) message).readRound()).containsExactly(1L, 3L);
        assertThat(one.connections.client(2).droppedMessageCount()).isEqualTo(1);
    }

    @Test
    void messagesToAPeerThatNeverStartedAreDroppedAndCounted() {
        Node one = node(1);
        // A port nobody listens on: bind one, then release it.
        Node scratch = node(2);
        InetSocketAddress unused = scratch.listen(0);
        scratch.server.close();
        one.dial(unused);

        for (int i = 0; i < 100; i++) assertThat(one.connections.send(new Message.TimeoutNow(1, 2, 1))).isFalse();

        assertThat(one.connections.client(2).droppedMessageCount()).isEqualTo(100);
        assertThat(one.connections.client(2).sentMessageCount()).isZero();
        Await.until("reconnect attempts keep failing", () -> one.connections.client(2).failedAttemptCount() >= 3);
    }
}
