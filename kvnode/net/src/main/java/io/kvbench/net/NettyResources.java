package io.kvbench.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * The event loop threads shared by a node's servers and outbound connections: native epoll when it loads
 * (fewer copies and syscalls than NIO), NIO otherwise. One group serves both accepting and I/O, since a
 * node accepts few connections.
 */
public final class NettyResources implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NettyResources.class.getName());
    private static final long SHUTDOWN_QUIET_PERIOD_MILLIS = 10;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;
    /**
     * Events handled per epoll wake-up before the loop runs its due tasks. A node's event loop is also its core
     * thread, whose tick (and so every heartbeat) is a scheduled task: with Netty's default (up to 4096 events at
     * once) a burst of hundreds of new connections, each read and refused, held the ticks back long enough for the
     * followers to start an election (issue 20, finding 3). 64 events of such work take a few milliseconds.
     */
    static final int MAX_EVENTS_PER_WAIT = 64;

    private final EventLoopGroup group;
    private final boolean nativeEpoll;

    /** @param ioThreads event loop threads; 0 picks Netty's default (twice the processors) */
    public NettyResources(String name, int ioThreads) {
        this(name, ioThreads, true);
    }

    /** @param preferNativeEpoll false forces NIO, to test that path on Linux */
    public NettyResources(String name, int ioThreads, boolean preferNativeEpoll) {
        this(name, ioThreads, preferNativeEpoll, Thread.NORM_PRIORITY);
    }

    /**
     * @param threadPriority Java priority of the event loop threads. On Linux the JVM applies it only with
     *                       {@code -XX:ThreadPriorityPolicy=1} and the right to raise priorities (root or
     *                       CAP_SYS_NICE); otherwise it is silently ignored.
     */
    public NettyResources(String name, int ioThreads, boolean preferNativeEpoll, int threadPriority) {
        this.nativeEpoll = preferNativeEpoll && Epoll.isAvailable();
        IoHandlerFactory handlerFactory = nativeEpoll
                ? EpollIoHandler.newFactory(MAX_EVENTS_PER_WAIT, DefaultSelectStrategyFactory.INSTANCE)
                : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory(name, true, threadPriority), handlerFactory);
        if (nativeEpoll) {
            LOG.log(System.Logger.Level.INFO, "{0}: using native epoll transport", name);
        } else {
            LOG.log(System.Logger.Level.INFO, "{0}: using NIO transport (native epoll unavailable: {1})", name,
                    preferNativeEpoll ? String.valueOf(Epoll.unavailabilityCause()) : "not requested");
        }
    }

    public EventLoopGroup group() {
        return group;
    }

    public boolean nativeEpoll() {
        return nativeEpoll;
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return nativeEpoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends Channel> channelClass() {
        return nativeEpoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Stops the event loops after running the tasks already queued, waiting up to a few seconds. */
    @Override
    public void close() {
        group.shutdownGracefully(SHUTDOWN_QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS * 2);
    }
}
