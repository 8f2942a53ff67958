package io.kvbench.chaos.proxy;

import io.kvbench.chaos.cluster.PeerLink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One way of a {@link LinkProxy} black-holed: the bytes (and a close) going that way vanish, the other way still
 * flows, nobody is told; the heal closes only the connections that lost something. The target here is a plain
 * server whose accepted sockets the test holds, so either end can speak first.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinkProxyOneWayTest {
    private static final int SILENCE_MILLIS = 300;

    private ServerSocket target;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private LinkProxy proxy;

    @BeforeEach
    void start() throws IOException {
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    accepted.add(target.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "one-way-test-target");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = LinkProxy.start("a->b", new InetSocketAddress("127.0.0.1", target.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        target.close();
        for (Socket socket : accepted) socket.close();
    }

    /** A connection through the proxy and the target's end of it. */
    private record Pair(Socket dialler, Socket targetSide) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            dialler.close();
            targetSide.close();
        }
    }

    private Pair connect() throws Exception {
        Socket dialler = new Socket();
        dialler.connect(proxy.address(), 2000);
        Socket targetSide = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(targetSide).as("the target accepted the proxied connection").isNotNull();
        return new Pair(dialler, targetSide);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static String readExactly(Socket socket, int length) throws IOException {
        socket.setSoTimeout(5000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[length];
        while (out.size() < length) {
            int n = in.read(buffer, 0, length - out.size());
            if (n < 0) throw new IOException("closed after " + out.size() + " bytes");
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** True if nothing at all (no byte, no close) arrives within the silence window. */
    private static boolean silent(Socket socket) throws IOException {
        socket.setSoTimeout(SILENCE_MILLIS);
        try {
            socket.getInputStream().read();
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        }
    }

    private static boolean closedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        return socket.getInputStream().read() < 0;
    }

    @Test
    void aForwardCutSilencesTheDiallerWhileTheTargetStillGetsThrough() throws Exception {
        try (Pair pair = connect()) {
            send(pair.dialler(), "ping");
            assertThat(readExactly(pair.targetSide(), 4)).isEqualTo("ping");

            proxy.cut(LinkProxy.Direction.FORWARD);
            assertThat(proxy.isCut(LinkProxy.Direction.FORWARD)).isTrue();
            assertThat(proxy.isCut(LinkProxy.Direction.REVERSE)).isFalse();
            assertThat(proxy.isCut()).as("a one-way cut is not a full cut").isFalse();

            for (int i = 0; i < 20; i++) send(pair.dialler(), "lost");
            assertThat(silent(pair.targetSide())).isTrue();
            send(pair.targetSide(), "still");
            assertThat(readExactly(pair.dialler(), 5)).as("the other way flows").isEqualTo("still");
            send(pair.targetSide(), "again");
            assertThat(readExactly(pair.dialler(), 5)).isEqualTo("again");
            assertThat(pair.dialler().isClosed()).isFalse();
            assertThat(proxy.openConnections()).isEqualTo(1);

            // the dialler's stream has a hole: the heal closes the connection, both ends hear it
            proxy.heal(LinkProxy.Direction.FORWARD);
            assertThat(closedByPeer(pair.targetSide())).isTrue();
            assertThat(closedByPeer(pair.dialler())).isTrue();
        }
        try (Pair after = connect()) {
            send(after.dialler(), "healed");
            assertThat(readExactly(after.targetSide(), 6)).isEqualTo("healed");
        }
    }

    @Test
    void aReverseCutSilencesTheTargetAndSwallowsItsClose() throws Exception {
        try (Pair pair = connect()) {
            proxy.cut(LinkProxy.Direction.REVERSE);
            send(pair.targetSide(), "lost");
            assertThat(silent(pair.dialler())).isTrue();
            send(pair.dialler(), "heard");
            assertThat(readExactly(pair.targetSide(), 5)).as("the dialler still gets through").isEqualTo("heard");

            // the target hangs up: the close travels the cut way, so the dialler hears nothing
            pair.targetSide().close();
            assertThat(silent(pair.dialler())).isTrue();
            send(pair.dialler(), "into the void");
            assertThat(silent(pair.dialler())).isTrue();

            proxy.heal(LinkProxy.Direction.REVERSE);
            assertThat(closedByPeer(pair.dialler())).as("the heal delivers the close").isTrue();
        }
    }

    @Test
    void aConnectionThatLostNothingSurvivesTheCutAndTheHeal() throws Exception {
        try (Pair pair = connect()) {
            proxy.cut(LinkProxy.Direction.REVERSE);
            send(pair.dialler(), "one");
            assertThat(readExactly(pair.targetSide(), 3)).isEqualTo("one");
            proxy.heal(LinkProxy.Direction.REVERSE);

            send(pair.targetSide(), "back");
            assertThat(readExactly(pair.dialler(), 4)).isEqualTo("back");
            send(pair.dialler(), "two");
            assertThat(readExactly(pair.targetSide(), 3)).isEqualTo("two");
        }
    }

    @Test
    void aConnectDuringAForwardCutNeverReachesTheTarget() throws Exception {
        proxy.cut(LinkProxy.Direction.FORWARD);
        try (Socket dialler = new Socket()) {
            dialler.connect(proxy.address(), 2000);
            send(dialler, "hello?");
            assertThat(silent(dialler)).isTrue();
            assertThat(accepted.poll(SILENCE_MILLIS, TimeUnit.MILLISECONDS)).as("the target saw no connection").isNull();

            proxy.heal(LinkProxy.Direction.FORWARD);
            assertThat(closedByPeer(dialler)).as("closed at the heal, so the dialler redials").isTrue();
        }
    }

    @Test
    void theMeshCutsWhatOneNodeSendsAnotherOnBothOfTheirConnections() throws Exception {
        Map<Integer, InetSocketAddress> peers = Map.of(1, new InetSocketAddress("127.0.0.1", 10001),
                2, new InetSocketAddress("127.0.0.1", 10002), 3, new InetSocketAddress("127.0.0.1", 10003));
        try (ProxyMesh mesh = ProxyMesh.start(peers)) {
            mesh.cut(List.of(new PeerLink(1, 2)));
            // n1's messages on the connection it dials, and its replies on the one n2 dials
            assertThat(mesh.link(1, 2).isCut(LinkProxy.Direction.FORWARD)).isTrue();
            assertThat(mesh.link(1, 2).isCut(LinkProxy.Direction.REVERSE)).isFalse();
            assertThat(mesh.link(2, 1).isCut(LinkProxy.Direction.REVERSE)).isTrue();
            assertThat(mesh.link(2, 1).isCut(LinkProxy.Direction.FORWARD)).isFalse();
            assertThat(mesh.isCut(new PeerLink(1, 2))).isTrue();
            assertThat(mesh.isCut(new PeerLink(2, 1))).isFalse();
            for (List<Integer> untouched : List.of(List.of(1, 3), List.of(3, 1), List.of(2, 3), List.of(3, 2))) {
                LinkProxy link = mesh.link(untouched.get(0), untouched.get(1));
                assertThat(link.isCut(LinkProxy.Direction.FORWARD) || link.isCut(LinkProxy.Direction.REVERSE)).as("%s", link).isFalse();
            }

            // isolate = every link of the node cut both ways; rejoin heals the earlier one-way cut too
            mesh.isolate(2);
            assertThat(mesh.link(1, 2).isCut()).isTrue();
            assertThat(mesh.link(2, 1).isCut()).isTrue();
            assertThat(mesh.link(2, 3).isCut()).isTrue();
            assertThat(mesh.link(3, 2).isCut()).isTrue();
            assertThat(mesh.link(1, 3).isCut(LinkProxy.Direction.FORWARD)).isFalse();
            mesh.rejoin(2);
            for (int from = 1; from <= 3; from++) {
                for (int to = 1; to <= 3; to++) {
                    if (from != to) assertThat(mesh.isCut(new PeerLink(from, to))).as("n%d->n%d", from, to).isFalse();
                }
            }
        }
    }
}
