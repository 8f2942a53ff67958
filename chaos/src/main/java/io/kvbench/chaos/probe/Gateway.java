package io.kvbench.chaos.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * HTTP/1.1 POSTs to etcd's v3 JSON gateway from the probe's event loop. A connection carries one request at a
 * time (etcd's gateway answers a connection's requests in order, so a second request behind one that hangs would
 * hang too); no timeout of any kind is set, since a probe write may stay outstanding as long as it likes.
 */
final class Gateway {
    /** Where a request's answer goes; called once, on the event loop. */
    interface Reply {
        void answered(long nanos, int httpStatus, byte[] body);

        /** The connection closed before the answer. */
        void lost(long nanos);
    }

    private static final AttributeKey<Reply> PENDING = AttributeKey.valueOf("kvbench.probe.pending");
    private static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
    private final Bootstrap bootstrap;

    Gateway(EventLoop loop, Class<? extends Channel> channelClass) {
        ResponseHandler responses = new ResponseHandler();
        this.bootstrap = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                // Only the connect is bounded (a member that is gone refuses at once on loopback); requests are not.
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES), responses);
                    }
                });
    }

    ChannelFuture connect(InetSocketAddress address) {
        return bootstrap.connect(address);
    }

    /** Sends {@code body} to {@code path} on an idle connection; {@code reply} hears what became of it. */
    static void post(Channel channel, URI endpoint, String path, byte[] body, Reply reply) {
        if (channel.attr(PENDING).setIfAbsent(reply) != null) {
            throw new IllegalStateException("a probe connection to " + endpoint + " already carries a request");
        }
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, endpoint.getHost() + ":" + endpoint.getPort())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        channel.writeAndFlush(request).addListener(written -> {
            if (written.isSuccess()) return;
            // Lost: reported here, since a connection that was already closed reports nothing more on close.
            Reply pending = channel.attr(PENDING).getAndSet(null);
            if (pending != null) pending.lost(System.nanoTime());
            channel.close();
        });
    }

    /** Whether the connection carries a request still unanswered. */
    static boolean busy(Channel channel) {
        return channel.attr(PENDING).get() != null;
    }

    /** Drops the connection's request unanswered (its reply is never called) and closes it. */
    static void abandon(Channel channel) {
        channel.attr(PENDING).set(null);
        channel.close();
    }

    @ChannelHandler.Sharable
    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpResponse response) {
            long nanos = System.nanoTime();
            Reply reply = context.channel().attr(PENDING).getAndSet(null);
            if (reply == null) {
                context.close(); // an answer nobody waits for: the connection is out of step
                return;
            }
            if (!HttpUtil.isKeepAlive(response)) context.close();
            reply.answered(nanos, response.status().code(), ByteBufUtil.getBytes(response.content()));
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            Reply reply = context.channel().attr(PENDING).getAndSet(null);
            if (reply != null) reply.lost(System.nanoTime());
            context.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }
    }
}
