package io.kvbench.bench.floor;

import io.kvbench.bench.net.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/** The skeleton's sockets: servers, connections and 8-byte messages over loopback with the suite's transport. */
final class SkeletonNetwork {

    private SkeletonNetwork() {
    }

    /** A server whose incoming frames are {@code frameBytes} long: the leader's, for requests. */
    static Channel listen(EventLoopGroup group, int frameBytes,
            Supplier<SimpleChannelInboundHandler<ByteBuf>> handler) throws InterruptedException {
        return listen(group, () -> new FixedLengthFrameDecoder(frameBytes), handler);
    }

    /** A follower's server: ranges, each a 4-byte length, then its header and its writes' payload. */
    static Channel listenForRanges(EventLoopGroup group,
            Supplier<SimpleChannelInboundHandler<ByteBuf>> handler) throws InterruptedException {
        return listen(group, () -> new LengthFieldBasedFrameDecoder(MajorityWriteSkeleton.MAX_RANGE_FRAME_BYTES, 0, 4, 0, 4),
                handler);
    }

    /** A loopback server whose connections each get a fresh {@code decoder}, then {@code handler}. */
    private static Channel listen(EventLoopGroup group, Supplier<ChannelHandler> decoder,
            Supplier<SimpleChannelInboundHandler<ByteBuf>> handler) throws InterruptedException {
        return new ServerBootstrap().group(group)
                .channel(NettyTransport.serverSocketChannelClass())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(decoder.get(), handler.get());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Connects a channel whose incoming frames are 8 bytes: acknowledgements, answers. */
    static Channel connect(EventLoopGroup group, InetSocketAddress address,
            SimpleChannelInboundHandler<ByteBuf> handler) throws InterruptedException {
        return new Bootstrap().group(group).channel(NettyTransport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new FixedLengthFrameDecoder(MajorityWriteSkeleton.ID_BYTES), handler);
                    }
                })
                .connect(address).sync().channel();
    }

    /** Writes one 8-byte message; flushes it when {@code flush}. */
    static void send(Channel channel, long sequence, boolean flush) {
        ByteBuf message = channel.alloc().buffer(MajorityWriteSkeleton.ID_BYTES).writeLong(sequence);
        if (flush) {
            channel.writeAndFlush(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        } else {
            channel.write(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }
    }
}
