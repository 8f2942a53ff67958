package io.kvbench.net;

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

/**
 * Accepts client connections and hands each decoded request, with a {@link ClientReplyChannel}, to the
 * runtime's {@link ClientRequestHandler}.
 */
public final class ClientServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClientServer.class.getName());

    private final NettyResources resources;
    private final ClientServerConfig config;
    private final ClientRequestHandler requestHandler;
    private final ChannelGroup acceptedChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final PortIntake intake;
    private final SocketFlushCounter socketFlushes = new SocketFlushCounter();
    private Channel serverChannel;
    /** While set, client connections are not read (see {@link #pauseReading}); new ones start paused too. */
    private volatile boolean readingPaused;

    public ClientServer(NettyResources resources, ClientServerConfig config, ClientRequestHandler requestHandler) {
        this.resources = resources;
        this.config = config;
        this.requestHandler = requestHandler;
        this.intake = new PortIntake("client port", config.limits(), LOG);
    }

    /** Binds and starts accepting; returns the bound address (useful with port 0). */
    public synchronized InetSocketAddress start(InetSocketAddress bindAddress) {
        if (serverChannel != null) throw new IllegalStateException("client server already started");
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
                        if (readingPaused) channel.config().setAutoRead(false);
                        configurePipeline(channel, config, intake, requestHandler);
                        channel.pipeline().addFirst(socketFlushes);
                    }
                })
                .bind(bindAddress).syncUninterruptibly().channel();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        LOG.log(System.Logger.Level.INFO, "client server listening on {0}", bound);
        return bound;
    }

    public synchronized InetSocketAddress localAddress() {
        if (serverChannel == null) throw new IllegalStateException("client server not started");
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Connections, buffered bytes and refusals of this port, for the node's status. */
    public InboundStats inboundStats() {
        return intake.stats();
    }

    /** Flushes that reached a client socket (replies; {@link SocketFlushCounter}). */
    public long socketFlushCount() {
        return socketFlushes.count();
    }

    /**
     * The handlers of one accepted connection, or, when the port already has its most connections, a refusal (an
     * OVERLOADED error, then closed); separate so tests can drive them through an EmbeddedChannel.
     */
    static void configurePipeline(Channel channel, ClientServerConfig config, ClientRequestHandler handler) {
        configurePipeline(channel, config, new PortIntake("client port", config.limits(), LOG), handler);
    }

    static void configurePipeline(Channel channel, ClientServerConfig config, PortIntake intake, ClientRequestHandler handler) {
        ChannelPipeline pipeline = channel.pipeline();
        if (!intake.tryAdmit()) {
            pipeline.addLast(new ConnectionRefusal(intake, allocator -> ClientCodec.encodeResponse(allocator,
                    new ClientResponse.Error(0, ErrorCode.OVERLOADED, "this node takes at most "
                            + config.limits().maxConnections() + " client connections"))));
            return;
        }
        channel.closeFuture().addListener(closed -> intake.closed());
        pipeline.addLast(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        pipeline.addLast(new FrameDecoder(config.maxFrameBytes(), ClientCodec::decodeRequest, intake.budget(),
                config.limits().frameTimeoutMillis()));
        pipeline.addLast(new ClientServerHandler(config, intake, handler));
    }

    /**
     * Back-pressure: stops reading every client connection (their requests wait in the kernel's socket buffers, then
     * in the clients), until {@link #resumeReading}. Replies are still written. Connections are still accepted.
     */
    public void pauseReading() {
        readingPaused = true;
        for (Channel channel : acceptedChannels) channel.config().setAutoRead(false);
    }

    /** Reads every client connection again after {@link #pauseReading}. */
    public void resumeReading() {
        readingPaused = false;
        for (Channel channel : acceptedChannels) channel.config().setAutoRead(true);
    }

    /** Stops accepting and closes every client connection; replies still pending are discarded. */
    @Override
    public synchronized void close() {
        if (serverChannel != null) serverChannel.close().syncUninterruptibly();
        acceptedChannels.close().awaitUninterruptibly();
    }
}
