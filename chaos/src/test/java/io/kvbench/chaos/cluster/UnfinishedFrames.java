package io.kvbench.chaos.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Many connections to one port, each sending the start of one big frame and never its last byte: the attack of
 * issue 20's finding 3. Non-blocking sockets on one selector and one writing thread, so a thousand of them need no
 * thousand threads. The connections stay open (holding their unfinished frames) until {@link #close}.
 */
final class UnfinishedFrames implements AutoCloseable {
    /** Frame header: u32 length (bytes after it), u8 version 1, u8 type. */
    private static final int HEADER_BYTES = 6;

    private final List<SocketChannel> channels = new ArrayList<>();
    private final List<ByteBuffer> pending = new ArrayList<>();
    private final Selector selector;
    private final java.util.concurrent.atomic.AtomicInteger closedByPeer = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong bytesWritten = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;
    private Thread pusher;

    /**
     * Opens {@code connections} connections to {@code address}; each will send a frame header claiming
     * {@code frameBytes} bytes (length prefix included) of type {@code typeCode}, then all of it but the last byte.
     */
    UnfinishedFrames(InetSocketAddress address, int connections, int frameBytes, int typeCode) throws IOException {
        selector = Selector.open();
        ByteBuffer template = ByteBuffer.allocate(frameBytes - 1);
        template.putInt(frameBytes - 4).put((byte) 1).put((byte) typeCode);
        for (int i = HEADER_BYTES; i < template.capacity(); i++) template.put((byte) i);
        template.flip();
        try {
            for (int i = 0; i < connections; i++) {
                SocketChannel channel = SocketChannel.open();
                channels.add(channel);
                channel.setOption(StandardSocketOptions.SO_LINGER, 0); // close() resets: no TIME_WAIT pile-up
                // The sender's own kernel buffer small: it sends as fast as the node takes bytes in, instead of
                // copying megabytes per connection into its own buffers (CPU the nodes on the same two cores need).
                channel.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
                channel.connect(address);
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_WRITE, i);
                pending.add(template.duplicate());
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts writing on a thread of its own, for as long as the other side takes bytes, until every connection has
     * sent all it was given or was closed by the other side, or until {@link #close}.
     */
    void startPushing() {
        pusher = new Thread(this::pushUntilDone, "unfinished-frames-pusher");
        pusher.setDaemon(true);
        pusher.start();
    }

    private void pushUntilDone() {
        try {
            while (!closing && !selector.keys().isEmpty()) {
                if (selector.select(100) == 0) continue;
                var ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    ByteBuffer buffer = pending.get((Integer) key.attachment());
                    try {
                        bytesWritten.addAndGet(((SocketChannel) key.channel()).write(buffer));
                        if (!buffer.hasRemaining()) key.cancel();
                    } catch (IOException closed) {
                        closedByPeer.incrementAndGet();
                        key.cancel();
                    }
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed under us: the test is done with this flood
        }
    }

    /** Connections the other side closed (or reset) while this side was still writing. */
    int closedByPeer() {
        return closedByPeer.get();
    }

    long bytesWritten() {
        return bytesWritten.get();
    }

    int connections() {
        return channels.size();
    }

    @Override
    public void close() throws IOException {
        closing = true;
        if (pusher != null) {
            selector.wakeup();
            try {
                pusher.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        IOException first = null;
        for (SocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        selector.close();
        if (first != null) throw first;
    }
}
