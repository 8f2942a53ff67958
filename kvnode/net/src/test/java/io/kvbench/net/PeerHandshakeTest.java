package io.kvbench.net;

import io.kvbench.raft.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Node 1 of cluster "alpha" (members 1, 2, 3) listens on loopback; strangers try to get in. */
class PeerHandshakeTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private final ConcurrentLinkedQueue<Message> delivered = new ConcurrentLinkedQueue<>();
    private NettyResources resources;
    private PeerServer server;
    private InetSocketAddress address;

    @BeforeEach
    void startNodeOne() {
        resources = new NettyResources("handshake-test", 2);
        server = new PeerServer(resources, PeerServerConfig.of("alpha", 1, Set.of(2, 3)), delivered::add);
        address = server.start(ANY_LOOPBACK_PORT);
    }

    @AfterEach
    void stop() {
        server.close();
        resources.close();
    }

    private Object helloAnswer(PeerControl.Hello hello, RawSocket socket) throws Exception {
        socket.write(PeerCodec.encode(Frames.ALLOCATOR, hello));
        return socket.readFrame(PeerCodec::decode);
    }

    @Test
    void aMemberOfTheClusterIsAcceptedAndItsMessagesDelivered() throws Exception {
        try (RawSocket socket = new RawSocket(address)) {
            assertThat(helloAnswer(new PeerControl.Hello("alpha", 2, 1, 1), socket))
                    .isEqualTo(new PeerControl.HelloOk("alpha", 1));

            socket.write(PeerCodec.encode(Frames.ALLOCATOR, new Message.Heartbeat(2, 1, 5, 10, 3)));

            Await.until("the heartbeat is delivered", () -> !delivered.isEmpty());
            assertThat(delivered).containsExactly(new Message.Heartbeat(2, 1, 5, 10, 3));
        }
    }

    @Test
    void aHelloFromAnotherClusterIsRejectedAndTheConnectionClosed() throws Exception {
        try (RawSocket socket = new RawSocket(address)) {
            assertThat(helloAnswer(new PeerControl.Hello("beta", 2, 1, 1), socket))
                    .isEqualTo(new PeerControl.HelloRejected("wrong cluster: this is cluster 'alpha', not 'beta'"));
            assertThat(socket.closedByPeer()).isTrue();
        }
    }

    @Test
    void aHelloForAnotherNodeIsRejected() throws Exception {
        try (RawSocket socket = new RawSocket(address)) {
            assertThat(helloAnswer(new PeerControl.Hello("alpha", 2, 3, 1), socket))
                    .isEqualTo(new PeerControl.HelloRejected("wrong node: this is node 1, not 3"));
            assertThat(socket.closedByPeer()).isTrue();
        }
    }

    @Test
    void aHelloFromANodeOutsideTheMembershipIsRejected() throws Exception {
        try (RawSocket socket = new RawSocket(address)) {
            assertThat(helloAnswer(new PeerControl.Hello("alpha", 9, 1, 1), socket))
                    .isEqualTo(new PeerControl.HelloRejected("node 9 is not a member of cluster 'alpha'"));
            assertThat(socket.closedByPeer()).isTrue();
        }
    }

    @Test
    void aRaftMessageBeforeTheHelloIsRejected() throws Exception {
        try (RawSocket socket = new RawSocket(address)) {
            socket.write(PeerCodec.encode(Frames.ALLOCATOR, new Message.TimeoutNow(2, 1, 4)));

            assertThat(socket.readFrame(PeerCodec::decode)).isEqualTo(
                    new PeerControl.HelloRejected("expected HELLO as the first frame, got TIMEOUT_NOW(0x17)"));
            assertThat(socket.closedByPeer()).isTrue();
            assertThat(delivered).isEmpty();
        }
    }

    @Test
    void aMessageClaimingAnotherSenderAfterTheHandshakeClosesTheConnection() throws Exception {
        try (RawSocket socket = new RawSocket(address)) {
            helloAnswer(new PeerControl.Hello("alpha", 2, 1, 1), socket);

            socket.write(PeerCodec.encode(Frames.ALLOCATOR, new Message.TimeoutNow(3, 1, 4)));

            assertThat(socket.readFrame(PeerCodec::decode)).isInstanceOf(PeerControl.ProtocolError.class);
            assertThat(socket.closedByPeer()).isTrue();
            assertThat(delivered).isEmpty();
        }
    }

    @Test
    void aClientOnThePeerPortIsRefusedWithAClearError() throws Exception {
        ClientConnection client = ClientConnection.connect(resources, address).get(10, TimeUnit.SECONDS);

        CompletableFuture<ClientResponse> status = client.status();

        assertThatThrownBy(() -> status.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ConnectionClosedException.class)
                .hasMessageContaining("this is a raft peer port, not a client port");
        client.close();
    }

    @Test
    void aNodeDiallingAPortReusedByAnotherClusterNeverConnects() {
        // Node 2 of cluster "beta" is configured with the address where alpha's node 1 now listens.
        PeerConnections beta = new PeerConnections(resources,
                PeerConnectionsConfig.of("beta", 2, Map.of(1, address)).withBackoffMillis(5, 20),
                PeerConnectionListener.NONE);
        beta.start();
        try {
            Await.until("several refused attempts", () -> beta.client(1).failedAttemptCount() >= 3);

            assertThat(beta.isConnected(1)).isFalse();
            assertThat(beta.send(new Message.TimeoutNow(2, 1, 1))).isFalse();
            assertThat(beta.client(1).droppedMessageCount()).isEqualTo(1);
            assertThat(delivered).isEmpty();
        } finally {
            beta.close();
        }
    }
}
