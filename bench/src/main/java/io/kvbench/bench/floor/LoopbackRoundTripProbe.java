package io.kvbench.bench.floor;

import io.kvbench.bench.net.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * Loopback TCP round trip through Netty: an echo server and a client on separate event loops (as two nodes
 * would be), 127.0.0.1 only, one 8-byte ping in flight. The client times each round trip on its own event
 * loop thread and sends the next ping from the read callback, so no other thread hand-off is counted.
 */
final class LoopbackRoundTripProbe {

    private static final int PING_BYTES = 8;

    private LoopbackRoundTripProbe() {
    }

    static Histogram measureNanos(int warmupSamples, int samples, long timeoutSeconds) throws IOException {
        EventLoopGroup serverGroup = NettyTransport.newEventLoopGroup(1);
        EventLoopGroup clientGroup = NettyTransport.newEventLoopGroup(1);
        try {
            Channel server = new ServerBootstrap().group(serverGroup)
                    .channel(NettyTransport.serverSocketChannelClass())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new EchoHandler());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            PingHandler ping = new PingHandler(warmupSamples, samples);
            Channel client = new Bootstrap().group(clientGroup).channel(NettyTransport.socketChannelClass())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(ping)
                    .connect(server.localAddress()).sync().channel();
            try {
                return ping.done.get(timeoutSeconds, TimeUnit.SECONDS);
            } finally {
                client.close().sync();
                server.close().sync();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted measuring loopback round trip", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("loopback round trip probe failed", e);
        } finally {
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Writes back whatever arrives. */
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            context.writeAndFlush(message);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }
    }

    /** Sends a ping, waits for all its bytes to come back, records the time, sends the next. */
    private static final class PingHandler extends SimpleChannelInboundHandler<ByteBuf> {
        final CompletableFuture<Histogram> done = new CompletableFuture<>();
        private final Histogram nanos = new Histogram(3);
        private final int warmupSamples;
        private final int totalSamples;
        private int completed;
        private int bytesAwaited;
        private long sentNanos;

        PingHandler(int warmupSamples, int samples) {
            this.warmupSamples = warmupSamples;
            this.totalSamples = warmupSamples + samples;
        }

        @Override
        public void channelActive(ChannelHandlerContext context) {
            sendPing(context);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ByteBuf bytes) {
            bytesAwaited -= bytes.readableBytes();
            if (bytesAwaited > 0) {
                return;
            }
            long elapsedNanos = System.nanoTime() - sentNanos;
            if (completed++ >= warmupSamples) {
                nanos.recordValue(elapsedNanos);
            }
            if (completed == totalSamples) {
                done.complete(nanos);
            } else {
                sendPing(context);
            }
        }

        private void sendPing(ChannelHandlerContext context) {
            bytesAwaited = PING_BYTES;
            ByteBuf ping = context.alloc().buffer(PING_BYTES).writeLong(completed);
            sentNanos = System.nanoTime();
            context.writeAndFlush(ping).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            done.completeExceptionally(new IOException("connection closed after " + completed + " round trips"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            done.completeExceptionally(cause);
            context.close();
        }
    }
}
