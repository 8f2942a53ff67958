package io.kvbench.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The port limits on real sockets: what an attacker's socket sees, and that the server frees what it held. */
@Timeout(60)
class InboundLimitsLoopbackTest {
    private static final int MIB = 1 << 20;
    private NettyResources resources;
    private PeerServer peerServer;
    private ClientServer clientServer;

    @BeforeEach
    void start() {
        resources = new NettyResources("limits-test", 1);
    }

    @AfterEach
    void stop() {
        if (peerServer != null) peerServer.close();
        if (clientServer != null) clientServer.close();
        resources.close();
    }

    /** A header claiming {@code frameBytes} in all, then {@code bodyBytes} of its body. */
    private static byte[] startOfFrame(int frameBytes, int typeCode, int bodyBytes) {
        ByteBuffer start = ByteBuffer.allocate(6 + bodyBytes);
        start.putInt(frameBytes - 4).put((byte) 1).put((byte) typeCode);
        return start.array();
    }

    @Test
    void strangersSendingLargeFramesBeforeTheHandshakeAreClosedAndBeyondTheLimitRefused() throws Exception {
        peerServer = new PeerServer(resources, new PeerServerConfig("c1", 1, Set.of(2), WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES,
                60_000, 4096, new PortLimits(4, 10_000, 32 * MIB)), message -> { });
        InetSocketAddress address = peerServer.start(new InetSocketAddress("127.0.0.1", 0));
        List<RawSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                RawSocket socket = new RawSocket(address);
                sockets.add(socket);
                socket.writeUntilClosed(startOfFrame(16 * MIB, FrameType.HELLO.code(), 256 * 1024));
            }
            for (RawSocket socket : sockets) {
                Object why = socket.readFrame(PeerCodec::decode);
                assertThat(why).isInstanceOfAny(PeerControl.ProtocolError.class, PeerControl.HelloRejected.class);
                assertThat(socket.closedByPeer()).isTrue();
            }
            Await.until("every connection released", () -> peerServer.inboundStats().connections() == 0);
            InboundStats stats = peerServer.inboundStats();
            assertThat(stats.refused().get("frameTooLarge") + stats.refused().get("connectionLimit")).isEqualTo(6);
            assertThat(stats.refused().get("connectionLimit")).isPositive();
            assertThat(stats.bufferedBytes()).isZero();
        } finally {
            for (RawSocket socket : sockets) socket.close();
        }
    }

    @Test
    void clientsHoldingUnfinishedFramesBeyondTheBudgetAreRefusedWithAReason() throws Exception {
        clientServer = new ClientServer(resources, ClientServerConfig.of(new PortLimits(100, 10_000, 4 * MIB)),
                (request, reply) -> { });
        InetSocketAddress address = clientServer.start(new InetSocketAddress("127.0.0.1", 0));
        List<RawSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                RawSocket socket = new RawSocket(address);
                sockets.add(socket);
                socket.writeUntilClosed(startOfFrame(2 * MIB, FrameType.CLIENT_REQUEST.code(), 1000));
            }
            Await.until("two frames reserved", () -> clientServer.inboundStats().bufferedBytes() == 4L * MIB);
            RawSocket third = new RawSocket(address);
            sockets.add(third);
            third.write(startOfFrame(2 * MIB, FrameType.CLIENT_REQUEST.code(), 1000));
            ClientResponse.Error error = (ClientResponse.Error) third.readFrame(ClientCodec::decodeResponse);
            assertThat(error.code()).isEqualTo(ErrorCode.OVERLOADED);
            assertThat(error.message()).contains("budget for unfinished frames");
            assertThat(third.closedByPeer()).isTrue();

            sockets.get(0).close();
            Await.until("its reservation released", () -> clientServer.inboundStats().bufferedBytes() == 2L * MIB);
        } finally {
            for (RawSocket socket : sockets) socket.close();
        }
    }
}
