package io.kvbench.chaos.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy for one directed link on 127.0.0.1: listens on its own (ephemeral) port and forwards every
 * connection, both ways, to the target. Each way can be black-holed on its own ({@link #cut(Direction)}): bytes
 * going that way are read and discarded, and a close going that way is swallowed, while the connection stays
 * open, so neither side sees an error, only silence; the other way still flows. {@link #cut()} black-holes both.
 * While {@link Direction#FORWARD} is cut, new connections are accepted and read without dialling the target (a
 * connect would reach it). {@link #heal(Direction)} forwards again and closes the connections that lost bytes going
 * that way (their byte streams have a hole, so the sender must redial, as it would after a long partition);
 * connections that lost nothing stay open, as a TCP connection across a cut that carried nothing survives it.
 * Plain blocking sockets, two daemon threads per connection: the links of a local cluster carry a handful of
 * connections.
 */
public final class LinkProxy implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    /** The two ways of a proxied connection. */
    public enum Direction {
        /** From the side that dialled (the proxy's client) to the target. */
        FORWARD,
        /** From the target back to the side that dialled. */
        REVERSE
    }

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    /** The directions cut now; guarded by this proxy's lock, with links' registration, so no link misses a cut or heal. */
    private final Set<Direction> cut = EnumSet.noneOf(Direction.class);
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

    /** True while both directions are cut: nothing crosses the link. */
    public synchronized boolean isCut() {
        return cut.size() == Direction.values().length;
    }

    public synchronized boolean isCut(Direction direction) {
        return cut.contains(direction);
    }

    /** Connections currently open through this proxy (forwarding or black-holed). */
    public int openConnections() {
        return links.size();
    }

    /** Silent partition: nothing crosses the link any more, and nobody is told. */
    public void cut() {
        cut(Direction.FORWARD);
        cut(Direction.REVERSE);
    }

    /** One-way silent partition: what goes {@code direction} is discarded, on current and new connections. */
    public synchronized void cut(Direction direction) {
        cut.add(direction);
        for (Link link : links) link.flow(direction).blackHoled = true;
    }

    /** Heals both directions. */
    public void heal() {
        heal(Direction.FORWARD);
        heal(Direction.REVERSE);
    }

    /** Forwards {@code direction} again; connections that lost bytes going that way are closed so their senders redial. */
    public synchronized void heal(Direction direction) {
        cut.remove(direction);
        for (Link link : links) {
            Flow flow = link.flow(direction);
            flow.blackHoled = false;
            if (flow.lostBytes) link.close();
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
                accepted(inbound);
            } catch (IOException e) {
                closeQuietly(inbound);
            }
        }
    }

    private void accepted(Socket inbound) throws IOException {
        Link link = register(inbound);
        if (link.forward.lostBytes) {
            // registered during a forward cut: the connect would have reached the target, so say nothing to either
            // side and do not dial; heal closes it
            link.pump(inbound, null, link.forward);
            return;
        }
        Socket outbound = new Socket();
        outbound.setTcpNoDelay(true);
        try {
            outbound.connect(target, 2000);
        } catch (IOException refused) {
            closeQuietly(outbound);
            synchronized (this) {
                if (link.reverse.blackHoled) {
                    // the refusal would travel back the cut way: the dialler hears nothing until heal closes it
                    link.reverse.lostBytes = true;
                    link.pump(inbound, null, link.forward);
                    return;
                }
            }
            // the target is down: close the inbound side too, as a direct connection would fail
            link.close();
            return;
        }
        link.outbound = outbound;
        link.pump(inbound, outbound, link.forward);
        link.pump(outbound, inbound, link.reverse);
    }

    /**
     * Adds the link under the lock, with the directions cut at that moment black-holed; during a forward cut its
     * connect counts as lost, so the heal closes it.
     */
    private synchronized Link register(Socket inbound) {
        Link link = new Link(inbound);
        link.forward.blackHoled = cut.contains(Direction.FORWARD);
        link.forward.lostBytes = link.forward.blackHoled;
        link.reverse.blackHoled = cut.contains(Direction.REVERSE);
        links.add(link);
        return link;
    }

    /**
     * Whether bytes going {@code flow}'s way are to be discarded now, noting the loss; under the lock, so a
     * concurrent heal either sees the loss (and closes the connection) or the bytes are forwarded.
     */
    private synchronized boolean discards(Flow flow, boolean writable) {
        if (flow.blackHoled || !writable) {
            flow.lostBytes = true;
            return true;
        }
        return false;
    }

    /** One way of one connection. */
    private static final class Flow {
        volatile boolean blackHoled;
        /** Set once bytes (or a connect) going this way were discarded: the stream has a hole. */
        volatile boolean lostBytes;
    }

    private final class Link {
        final Socket inbound;
        volatile Socket outbound;
        final Flow forward = new Flow();
        final Flow reverse = new Flow();

        Link(Socket inbound) {
            this.inbound = inbound;
        }

        Flow flow(Direction direction) {
            return direction == Direction.FORWARD ? forward : reverse;
        }

        /** The way a close of {@code side} travels: the dialler's goes forward, the target's in reverse. */
        Flow flowFrom(Socket side) {
            return side == inbound ? forward : reverse;
        }

        /**
         * Copies {@code from} to {@code to} (null: nowhere) until {@code from} closes, discarding while
         * {@code flow} is black-holed. A write that fails means {@code to} is gone, which is news travelling
         * from {@code to}'s side; the bytes after it are read and discarded.
         */
        void pump(Socket from, Socket to, Flow flow) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[BUFFER];
                boolean writable = to != null;
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = writable ? to.getOutputStream() : null;
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (discards(flow, writable)) continue;
                        try {
                            out.write(buffer, 0, n);
                        } catch (IOException gone) {
                            writable = false;
                            flow.lostBytes = true;
                            ended(to);
                        }
                    }
                } catch (IOException e) {
                    // the read side failed: as good as closed
                }
                ended(from);
            }, "link-proxy-" + name + "-pump");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * {@code side} closed (or failed). Passed on to the other side while the way it travels flows; swallowed
         * while that way is black-holed: our end of {@code side} is released, the other side hears nothing until
         * the heal closes the connection.
         */
        void ended(Socket side) {
            synchronized (LinkProxy.this) {
                Flow flow = flowFrom(side);
                if (flow.blackHoled) {
                    flow.lostBytes = true; // the close is part of the stream: the heal delivers it
                    closeQuietly(side);
                    return;
                }
            }
            close();
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
    public synchronized String toString() {
        return "LinkProxy[" + name + " " + address() + "->" + target + (cut.isEmpty() ? "" : " cut " + cut) + "]";
    }
}
