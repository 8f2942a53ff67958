package io.kvbench.bench.net;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The one Netty transport choice for the suite: native epoll where it loads (Linux x86_64), else NIO. The
 * floor's round trip and the targets' clients use the same one, so the floor is the floor of that stack.
 */
public final class NettyTransport {

    private NettyTransport() {
    }

    public static boolean epoll() {
        return Epoll.isAvailable();
    }

    public static String name() {
        return epoll() ? "epoll" : "nio";
    }

    public static MultiThreadIoEventLoopGroup newEventLoopGroup(int threads) {
        IoHandlerFactory factory = epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, factory);
    }

    public static Class<? extends SocketChannel> socketChannelClass() {
        return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends ServerChannel> serverSocketChannelClass() {
        return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
