package io.kvbench.bench.etcd;

import io.kvbench.bench.net.NettyTransport;
import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * etcd through its v3 JSON gateway ({@code POST /v3/kv/put}, {@code /v3/kv/range}, {@code /v3/kv/txn}) with
 * Netty's HTTP/1.1 client. Each endpoint gets a pool of keep-alive connections; a connection carries one
 * request at a time (no pipelining), so at most {@code connectionsPerEndpoint} per endpoint are in flight
 * and further requests queue for a connection inside the pool. Operations go to the endpoints in turn.
 */
public final class EtcdTarget implements Target {

    private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("kvbench.etcd.exchange");
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final List<URI> endpoints;
    private final int connectionsPerEndpoint;
    private final long requestTimeoutNanos;
    private final List<FixedChannelPool> pools = new ArrayList<>();
    private final AtomicInteger nextPool = new AtomicInteger();
    private EventLoopGroup group;

    /**
     * @param endpoints              client URLs such as {@code http://127.0.0.1:2379}
     * @param connectionsPerEndpoint keep-alive connections per endpoint, hence the most in flight per endpoint
     * @param requestTimeout         a request not answered by then is TIMEOUT and its connection is closed
     */
    public EtcdTarget(List<URI> endpoints, int connectionsPerEndpoint, Duration requestTimeout) {
        if (endpoints.isEmpty() || connectionsPerEndpoint < 1) {
            throw new IllegalArgumentException("need at least one endpoint and one connection");
        }
        this.endpoints = List.copyOf(endpoints);
        this.connectionsPerEndpoint = connectionsPerEndpoint;
        this.requestTimeoutNanos = requestTimeout.toNanos();
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public String fsyncMode() {
        return "etcd default: WAL fdatasync before each Raft Ready is acknowledged (batched)";
    }

    @Override
    public void open() {
        // One event loop: two cores are shared with three etcd members and the generator.
        group = NettyTransport.newEventLoopGroup(1);
        for (URI endpoint : endpoints) {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NettyTransport.socketChannelClass())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                    .remoteAddress(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
            pools.add(new FixedChannelPool(bootstrap, new PipelineSetUp(), ChannelHealthChecker.ACTIVE,
                    null, -1, connectionsPerEndpoint, Integer.MAX_VALUE, true, true));
        }
    }

    @Override
    public CompletableFuture<OpResult> execute(Operation operation) {
        CompletableFuture<OpResult> result = new CompletableFuture<>();
        int poolIndex = Math.floorMod(nextPool.getAndIncrement(), pools.size());
        FixedChannelPool pool = pools.get(poolIndex);
        URI endpoint = endpoints.get(poolIndex);
        byte[] body = EtcdJson.requestBody(operation);
        pool.acquire().addListener((Future<Channel> acquired) -> {
            if (!acquired.isSuccess()) {
                result.complete(OpResult.failed("connect"));
                return;
            }
            send(acquired.getNow(), pool, endpoint, operation, body, result);
        });
        return result;
    }

    private void send(Channel channel, FixedChannelPool pool, URI endpoint, Operation operation, byte[] body,
            CompletableFuture<OpResult> result) {
        Exchange exchange = new Exchange(operation, result, pool);
        channel.attr(EXCHANGE).set(exchange);
        exchange.timeout = channel.eventLoop().schedule(
                () -> finish(channel, OpResult.timeout(), true), requestTimeoutNanos, TimeUnit.NANOSECONDS);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                EtcdJson.path(operation.kind()), Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, endpoint.getHost() + ":" + endpoint.getPort())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                finish(channel, OpResult.failed("write"), true);
            }
        });
    }

    /** Completes the channel's current exchange once (whoever comes first: response, timeout, close). */
    private static void finish(Channel channel, OpResult outcome, boolean closeConnection) {
        Exchange exchange = channel.attr(EXCHANGE).getAndSet(null);
        if (exchange == null) {
            return;
        }
        exchange.timeout.cancel(false);
        if (closeConnection) {
            channel.close();
        }
        // Released even when closed: the pool counts it free again and its health check drops it.
        exchange.pool.release(channel);
        exchange.result.complete(outcome);
    }

    @Override
    public void close() {
        for (FixedChannelPool pool : pools) {
            pool.close();
        }
        pools.clear();
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One request on one connection. */
    private static final class Exchange {
        final Operation operation;
        final CompletableFuture<OpResult> result;
        final FixedChannelPool pool;
        ScheduledFuture<?> timeout;

        Exchange(Operation operation, CompletableFuture<OpResult> result, FixedChannelPool pool) {
            this.operation = operation;
            this.result = result;
            this.pool = pool;
        }
    }

    private static final class PipelineSetUp extends AbstractChannelPoolHandler {
        @Override
        public void channelCreated(Channel channel) {
            channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                    new ResponseHandler());
        }
    }

    @ChannelHandler.Sharable
    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, FullHttpResponse response) {
            Exchange exchange = context.channel().attr(EXCHANGE).get();
            if (exchange == null) {
                context.close(); // an answer nobody asked for: the connection is out of step
                return;
            }
            byte[] body = ByteBufUtil.getBytes(response.content());
            OpResult outcome = response.status().equals(HttpResponseStatus.OK)
                    ? EtcdJson.parseResponse(exchange.operation.kind(), body)
                    : EtcdJson.parseFailure(response.status().code(), body);
            finish(context.channel(), outcome, !HttpUtil.isKeepAlive(response));
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            finish(context.channel(), OpResult.failed("connection_closed"), false);
            context.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            finish(context.channel(), OpResult.failed("io_" + cause.getClass().getSimpleName()), true);
            context.close();
        }
    }
}
