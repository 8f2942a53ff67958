package io.kvbench.chaos.proxy;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A LinkProxy in front of an echo server on loopback: forwards, goes silent when cut, forwards again when healed. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinkProxyTest {
    private ServerSocket echo;
    private Thread echoThread;
    private final List<Socket> accepted = new ArrayList<>();
    private LinkProxy proxy;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = echo.accept();
                    synchronized (accepted) { accepted.add(socket); }
                    Thread pump = new Thread(() -> {
                        byte[] buffer = new byte[1024];
                        try {
                            int n;
                            while ((n = socket.getInputStream().read(buffer)) >= 0) socket.getOutputStream().write(buffer, 0, n);
                        } catch (IOException ignored) {
                            // closed
                        }
                    });
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        echoThread.setDaemon(true);
        echoThread.start();
        proxy = LinkProxy.start("a->b", new InetSocketAddress("127.0.0.1", echo.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
        synchronized (accepted) {
            for (Socket socket : accepted) socket.close();
        }
    }

    private int acceptedCount() {
        synchronized (accepted) { return accepted.size(); }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(proxy.address(), 2000);
        socket.setSoTimeout(300);
        return socket;
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

    /** True if nothing at all arrives within the socket's timeout (no bytes, no close). */
    private static boolean silent(Socket socket) throws IOException {
        socket.setSoTimeout(300);
        try {
            int b = socket.getInputStream().read();
            return false; // a byte (b >= 0) or a close (b < 0): not silent
        } catch (SocketTimeoutException expected) {
            return true;
        }
    }

    @Test
    void forwardsGoesSilentWhenCutAndForwardsNewConnectionsAfterHeal() throws Exception {
        try (Socket before = connect()) {
            before.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(readExactly(before, 5)).isEqualTo("hello");

            proxy.cut();
            assertThat(proxy.isCut()).isTrue();
            // the sender's writes succeed (no reset, no close) but nothing comes back: silence
            for (int i = 0; i < 20; i++) before.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
            before.getOutputStream().flush();
            assertThat(silent(before)).isTrue();
            assertThat(before.isClosed()).isFalse();

            // a new connection during the cut is accepted, never reaches the target, and hears nothing
            int acceptedBefore = acceptedCount();
            try (Socket during = connect()) {
                during.getOutputStream().write("nobody".getBytes(StandardCharsets.UTF_8));
                assertThat(silent(during)).isTrue();
                assertThat(acceptedCount()).isEqualTo(acceptedBefore);
            }

            proxy.heal();
            // the black-holed connection is closed at heal, so its sender redials
            before.setSoTimeout(5000);
            assertThat(before.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket after = connect()) {
            after.getOutputStream().write("again".getBytes(StandardCharsets.UTF_8));
            assertThat(readExactly(after, 5)).isEqualTo("again");
        }
    }

    @Test
    void meshGivesEachNodeItsOwnPeerListAndIsolatesOneNode() throws Exception {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 10001);
        InetSocketAddress b = new InetSocketAddress("127.0.0.1", 10002);
        InetSocketAddress c = new InetSocketAddress("127.0.0.1", 10003);
        try (ProxyMesh mesh = ProxyMesh.start(java.util.Map.of(1, a, 2, b, 3, c))) {
            assertThat(mesh.peersFor(1)).containsKeys(1, 2, 3);
            assertThat(mesh.peersFor(1).get(1)).isEqualTo(a);
            assertThat(mesh.peersFor(1).get(2)).isEqualTo(mesh.link(1, 2).address()).isNotEqualTo(b);
            assertThat(mesh.link(1, 2).target()).isEqualTo(b);
            assertThat(mesh.peersFor(3).get(3)).isEqualTo(c);
            mesh.isolate(1);
            assertThat(mesh.link(1, 2).isCut()).isTrue();
            assertThat(mesh.link(3, 1).isCut()).isTrue();
            assertThat(mesh.link(2, 3).isCut()).isFalse();
            assertThat(mesh.link(3, 2).isCut()).isFalse();
            mesh.rejoin(1);
            assertThat(mesh.link(1, 2).isCut()).isFalse();
            assertThat(mesh.link(3, 1).isCut()).isFalse();
        }
    }
}
