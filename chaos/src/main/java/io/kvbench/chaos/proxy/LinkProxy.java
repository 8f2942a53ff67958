package io.kvbench.chaos.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy for one directed link on 127.0.0.1: listens on its own (ephemeral) port and forwards every
 * connection, both ways, to the target. {@link #cut()} makes the link a silent partition: current connections
 * stop forwarding but stay open (bytes read from either side are discarded), and new connections are accepted,
 * read and discarded without dialling the target, so neither side sees an error, only silence. {@link #heal()}
 * closes the connections that were black-holed (their byte streams lost data, so the sender must redial, as it
 * would after a long partition) and forwards new connections again. Plain blocking sockets, two daemon threads
 * per connection: the links of a local cluster carry a handful of connections.
 */
public final class LinkProxy implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean cut;
    private volatile boolean closed;

    private LinkProxy(String name, InetSocketAddress target, ServerSocket server) {
        this.name = name;
        this.target = target;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "link-proxy-" + name);
        this.acceptor.setDaemon(true);
    }

    /** Starts a proxy on 127.0.0.1 (a free port) forwarding to {@code target}. */
    public static LinkProxy start(String name, InetSocketAddress target) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LinkProxy proxy = new LinkProxy(name, target, server);
        proxy.acceptor.start();
        return proxy;
    }

    /** Where senders connect. */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    public InetSocketAddress target() {
        return target;
    }

    public String name() {
        return name;
    }

    public boolean isCut() {
        return cut;
    }

    /** Connections currently open through this proxy (forwarding or black-holed). */
    public int openConnections() {
        return links.size();
    }

    /** Silent partition: nothing crosses the link any more, and nobody is told. */
    public void cut() {
        cut = true;
        for (Link link : links) link.blackHoled = true;
    }

    /** New connections forward again; the black-holed ones are closed so their senders redial. */
    public void heal() {
        cut = false;
        for (Link link : links) {
            if (link.blackHoled) link.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Link link : links) link.close();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket inbound;
            try {
                inbound = server.accept();
            } catch (IOException e) {
                if (closed) return;
                continue;
            }
            try {
                inbound.setTcpNoDelay(true);
                Link link = new Link(inbound);
                links.add(link);
                if (cut) {
                    link.blackHoled = true;
                    link.pump(inbound, null);
                } else {
                    Socket outbound = new Socket();
                    outbound.setTcpNoDelay(true);
                    try {
                        outbound.connect(target, 2000);
                    } catch (IOException refused) {
                        // the target is down: close the inbound side too, as a direct connection would fail
                        closeQuietly(outbound);
                        link.close();
                        continue;
                    }
                    link.outbound = outbound;
                    link.pump(inbound, outbound);
                    link.pump(outbound, inbound);
                }
            } catch (IOException e) {
                closeQuietly(inbound);
            }
        }
    }

    private final class Link {
        final Socket inbound;
        volatile Socket outbound;
        volatile boolean blackHoled;

        Link(Socket inbound) {
            this.inbound = inbound;
        }

        /** Copies {@code from} to {@code to} until either closes; discards while black-holed or without a peer. */
        void pump(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[BUFFER];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to == null ? null : to.getOutputStream();
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (!blackHoled && out != null) out.write(buffer, 0, n);
                    }
                    ended(from);
                } catch (IOException e) {
                    ended(from);
                }
            }, "link-proxy-" + name + "-pump");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * A close (or error) on one side passes on to the other while forwarding. While black-holed it is
         * swallowed: a sender that gives up closes only its own side, and the target hears nothing until heal.
         */
        void ended(Socket from) {
            if (!blackHoled) close();
            else if (from == inbound) closeQuietly(inbound);
        }

        void close() {
            links.remove(this);
            closeQuietly(inbound);
            Socket out = outbound;
            if (out != null) closeQuietly(out);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing
        }
    }

    @Override
    public String toString() {
        return "LinkProxy[" + name + " " + address() + "->" + target + (cut ? " cut" : "") + "]";
    }
}
