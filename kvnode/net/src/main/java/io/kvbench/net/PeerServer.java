package io.kvbench.net;

import io.kvbench.raft.Message;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Accepts connections from the other members, checks each one's Hello, then hands every decoded raft
 * {@link Message} to {@code messageConsumer} on the connection's I/O thread. The consumer must only enqueue
 * the message for the thread that owns the core: it must not block or touch consensus state.
 */
public final class PeerServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeerServer.class.getName());

    private final NettyResources resources;
    private final PeerServerConfig config;
    private final Consumer<Message> messageConsumer;
    private final IntConsumer inboundClosedListener;
    private final IntConsumer inboundOpenedListener;
    /** Accepted connections, closed with the server so that a stopped node looks stopped to its peers. */
    private final ChannelGroup acceptedChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final PortIntake intake;
    private Channel serverChannel;

    public PeerServer(NettyResources resources, PeerServerConfig config, Consumer<Message> messageConsumer) {
        this(resources, config, messageConsumer, peerNodeId -> { });
    }

    /**
     * @param inboundClosedListener told (on an I/O thread) when an accepted, handshaken connection from a peer
     *                              closes, after every message it carried was delivered
     */
    public PeerServer(NettyResources resources, PeerServerConfig config, Consumer<Message> messageConsumer,
                      IntConsumer inboundClosedListener) {
        this(resources, config, messageConsumer, inboundClosedListener, peerNodeId -> { });
    }

    /**
     * @param inboundOpenedListener told (on an I/O thread) when a peer's connection completes its handshake: the
     *                              peer is up, so a reconnect to it that is waiting out a backoff can go now
     */
    public PeerServer(NettyResources resources, PeerServerConfig config, Consumer<Message> messageConsumer,
                      IntConsumer inboundClosedListener, IntConsumer inboundOpenedListener) {
        this.resources = resources;
        this.config = config;
        this.messageConsumer = messageConsumer;
        this.inboundClosedListener = inboundClosedListener;
        this.inboundOpenedListener = inboundOpenedListener;
        this.intake = new PortIntake("node " + config.selfNodeId() + " peer port", config.limits(), LOG);
    }

    /** Binds and starts accepting; returns the bound address (useful with port 0). */
    public synchronized InetSocketAddress start(InetSocketAddress bindAddress) {
        if (serverChannel != null) throw new IllegalStateException("peer server already started");
        serverChannel = new ServerBootstrap()
                .group(resources.group())
                .channel(resources.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, PortLimits.SOCKET_RECEIVE_BUFFER_BYTES)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        acceptedChannels.add(channel);
                        configurePipeline(channel, config, intake, messageConsumer, inboundClosedListener,
                                inboundOpenedListener);
                    }
                })
                .bind(bindAddress).syncUninterruptibly().channel();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        LOG.log(System.Logger.Level.INFO, "node {0,number,#}: peer server of cluster ''{1}'' listening on {2}",
                config.selfNodeId(), config.clusterId(), bound);
        return bound;
    }

    public synchronized InetSocketAddress localAddress() {
        if (serverChannel == null) throw new IllegalStateException("peer server not started");
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Connections, buffered bytes and refusals of this port, for the node's status. */
    public InboundStats inboundStats() {
        return intake.stats();
    }

    /**
     * The handlers of one accepted connection, or, when the port already has its most connections, a refusal (a
     * HelloRejected, then closed); separate so tests can drive them through an EmbeddedChannel. Until the handshake
     * the connection's frames are limited to {@link PeerServerConfig#handshakeMaxFrameBytes()}.
     */
    static void configurePipeline(Channel channel, PeerServerConfig config, Consumer<Message> messageConsumer) {
        configurePipeline(channel, config, new PortIntake("peer port", config.limits(), LOG), messageConsumer,
                peerNodeId -> { }, peerNodeId -> { });
    }

    static void configurePipeline(Channel channel, PeerServerConfig config, PortIntake intake, Consumer<Message> messageConsumer,
                                  IntConsumer inboundClosedListener, IntConsumer inboundOpenedListener) {
        ChannelPipeline pipeline = channel.pipeline();
        if (!intake.tryAdmit()) {
            pipeline.addLast(new ConnectionRefusal(intake, allocator -> PeerCodec.encode(allocator,
                    new PeerControl.HelloRejected("node " + config.selfNodeId() + " takes at most "
                            + config.limits().maxConnections() + " peer connections"))));
            return;
        }
        channel.closeFuture().addListener(closed -> intake.closed());
        pipeline.addLast(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        FrameDecoder decoder = new FrameDecoder(config.handshakeMaxFrameBytes(), PeerCodec::decode, intake.budget(),
                config.limits().frameTimeoutMillis());
        pipeline.addLast(decoder);
        pipeline.addLast(new PeerInboundHandler(config, intake, decoder, messageConsumer, inboundClosedListener,
                inboundOpenedListener));
    }

    /** Stops accepting and closes every accepted connection. */
    @Override
    public synchronized void close() {
        if (serverChannel != null) serverChannel.close().syncUninterruptibly();
        acceptedChannels.close().awaitUninterruptibly();
    }
}
