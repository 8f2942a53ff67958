package io.kvbench.net;

import io.kvbench.raft.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;

import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The one outbound connection to one peer, reconnected with backoff for as long as this client is open.
 * {@link #send} never blocks and never queues without bound: Raft tolerates lost messages (the leader
 * retries on the next heartbeat), so when the peer is unreachable or slow the message is dropped and counted.
 * Connection state is changed only on this client's event loop.
 */
public final class PeerClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeerClient.class.getName());

    private final int peerNodeId;
    private final InetSocketAddress address;
    private final PeerConnectionsConfig config;
    private final PeerConnectionListener listener;
    private final EventLoop eventLoop;
    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private final LongAdder sentMessages = new LongAdder();
    private final LongAdder droppedMessages = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final SocketFlushCounter socketFlushes = new SocketFlushCounter();
    /** Set once the handshake succeeds, cleared when that connection closes; read by senders on any thread. */
    private volatile Channel connectedChannel;
    private volatile boolean stopped;
    /** The connection being attempted or in use; event loop only. */
    private Channel currentChannel;
    /** The scheduled reconnect while backing off; touched on {@link #eventLoop} only. */
    private ScheduledFuture<?> pendingReconnect;
    /** The last problem logged, so a peer that stays down is logged once, not on every attempt. */
    private String lastProblem;

    public PeerClient(NettyResources resources, PeerConnectionsConfig config, int peerNodeId,
                      PeerConnectionListener listener) {
        this.peerNodeId = peerNodeId;
        this.address = config.peerAddresses().get(peerNodeId);
        if (address == null) throw new IllegalArgumentException("no address for peer " + peerNodeId);
        this.config = config;
        this.listener = listener;
        this.eventLoop = resources.group().next();
        this.backoff = new Backoff(config.initialBackoffMillis(), config.maxBackoffMillis(), new Random());
        PeerClient client = this;
        this.bootstrap = new Bootstrap()
                .group(eventLoop)
                .channel(resources.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeoutMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.outboundBufferBytes() / 2, config.outboundBufferBytes()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(socketFlushes);
                        channel.pipeline().addLast(new FlushConsolidationHandler(
                                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                        channel.pipeline().addLast(new FrameDecoder(config.maxFrameBytes(), PeerCodec::decode));
                        channel.pipeline().addLast(new PeerOutboundHandler(client, config));
                    }
                });
    }

    public int peerNodeId() {
        return peerNodeId;
    }

    /** Starts connecting; reconnects after every failure until {@link #close()}. */
    public void start() {
        eventLoop.execute(this::connect);
    }

    /**
     * Queues {@code message} on the connection, or drops it (returning false) when there is no handshaken
     * connection, when more than {@code outboundBufferBytes} are already queued, or when it is larger than a
     * frame may be. Encodes on the calling thread so the queued bytes are counted exactly.
     */
    public boolean send(Message message) {
        Channel channel = connectedChannel;
        if (channel == null || !channel.isWritable()) {
            droppedMessages.increment();
            return false;
        }
        ByteBuf frame = PeerCodec.encode(channel.alloc(), message);
        if (frame.readableBytes() > config.maxFrameBytes()) {
            LOG.log(WARNING, "node {0,number,#}: dropping {1} of {2,number,#} bytes to peer {3,number,#}: frames are limited to {4,number,#} bytes",
                    config.selfNodeId(), message, frame.readableBytes(), peerNodeId, config.maxFrameBytes());
            frame.release();
            droppedMessages.increment();
            return false;
        }
        channel.writeAndFlush(frame, channel.voidPromise());
        sentMessages.increment();
        return true;
    }

    public boolean isConnected() {
        return connectedChannel != null;
    }

    /** Messages handed to the connection (not necessarily delivered). */
    public long sentMessageCount() {
        return sentMessages.sum();
    }

    /** Messages dropped because the peer was unreachable or its connection was backed up. */
    public long droppedMessageCount() {
        return droppedMessages.sum();
    }

    /** Flushes that reached this peer's socket, after the loop turn's flushes were merged ({@link SocketFlushCounter}). */
    public long socketFlushCount() {
        return socketFlushes.count();
    }

    /** Connections that failed or closed: refused, timed out, rejected at the handshake, or lost. */
    public long failedAttemptCount() {
        return failedAttempts.sum();
    }

    private void connect() {
        if (stopped) return;
        ChannelFuture future = bootstrap.connect(address);
        currentChannel = future.channel();
        future.addListener((ChannelFuture attempt) -> {
            if (attempt.isSuccess()) {
                attempt.channel().closeFuture().addListener(closed -> onClosed(attempt.channel()));
            } else {
                reportProblem("cannot connect: " + attempt.cause().getMessage());
                scheduleReconnect();
            }
        });
    }

    void onHandshakeComplete(Channel channel) {
        connectedChannel = channel;
        backoff.reset();
        lastProblem = null;
        LOG.log(INFO, "node {0,number,#}: connected to peer {1,number,#} at {2}", config.selfNodeId(), peerNodeId, address);
        listener.onPeerConnected(peerNodeId);
    }

    private void onClosed(Channel channel) {
        if (connectedChannel == channel) {
            connectedChannel = null;
            LOG.log(INFO, "node {0,number,#}: connection to peer {1,number,#} at {2} closed", config.selfNodeId(), peerNodeId, address);
            listener.onPeerDisconnected(peerNodeId);
        }
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (stopped) return;
        pendingReconnect = eventLoop.schedule(this::connect, backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The peer connected to us, so it is up: if this side is waiting out a reconnect backoff, connect now. Without
     * this a restarted node heard nothing from us for up to the backoff ceiling (500 ms) after it came back, stayed
     * behind, and the next election's leader had to catch it up before it could commit anything (measured: the
     * first commit of a new term 60-150 ms after the election, in ~5 % of kill campaigns' trials).
     */
    public void peerIsUp() {
        eventLoop.execute(() -> {
            if (stopped || connectedChannel != null || pendingReconnect == null || pendingReconnect.isDone()) return;
            if (!pendingReconnect.cancel(false)) return;
            backoff.reset();
            connect();
        });
    }

    /** Logs a connection problem once while it keeps repeating, then quietly until something changes. */
    void reportProblem(String problem) {
        failedAttempts.increment();
        boolean repeated = problem.equals(lastProblem);
        lastProblem = problem;
        LOG.log(repeated ? DEBUG : WARNING, "node {0,number,#}: peer {1,number,#} at {2}: {3}; retrying with backoff",
                config.selfNodeId(), peerNodeId, address, problem);
    }

    /** Closes the connection and stops reconnecting. */
    @Override
    public void close() {
        stopped = true;
        if (eventLoop.inEventLoop()) {
            // Waiting here would deadlock the loop that has to do the closing.
            if (currentChannel != null) currentChannel.close();
            return;
        }
        ChannelFuture closing;
        try {
            closing = eventLoop.submit(() -> currentChannel == null ? null : currentChannel.close()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            return; // The event loop is already shut down, and with it the connection.
        }
        if (closing != null) closing.awaitUninterruptibly();
    }
}
