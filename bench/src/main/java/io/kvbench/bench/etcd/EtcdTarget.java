package io.kvbench.bench.etcd;

import io.kvbench.bench.net.NettyTransport;
import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.OperationKind;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * etcd through its v3 JSON gateway ({@code POST /v3/kv/put}, {@code /v3/kv/range}, {@code /v3/kv/txn}) with
 * Netty's HTTP/1.1 client. Each endpoint gets a pool of keep-alive connections; a connection carries one
 * request at a time (no pipelining), so at most {@code connectionsPerEndpoint} per endpoint are in flight
 * and further requests queue for a connection inside the pool.
 *
 * <h2>Endpoint choice and failover</h2>
 * Any etcd member accepts any request (a follower forwards writes to its leader), so the client only has to
 * stop using a member that is dead or not answering, much as etcd's own clientv3 balancer does:
 * <ul>
 *   <li>Each operation prefers the next endpoint in turn (round robin, so load runs still spread over all
 *       members), skipping endpoints currently marked unhealthy. If every endpoint is unhealthy, the one whose
 *       mark expires first is used anyway (after a short pause, so a cluster that is entirely down is not
 *       hammered).</li>
 *   <li>An <em>attempt</em> fails on a connection failure (connect refused or timed out, write failed,
 *       connection reset or closed before the answer) or when it is not answered within
 *       {@code attemptTimeout}. The endpoint is then marked unhealthy for {@code unhealthyBackoff} and the
 *       same operation is retried on the next endpoint, until the <em>operation</em> deadline
 *       ({@code requestTimeout}, counted from {@link #execute}) passes.</li>
 *   <li>An HTTP answer, success or error, ends the operation: the member answered, so it is not retried.</li>
 *   <li>Only safe retries are made, as in clientv3. A failure before the request was handed to a connection
 *       (the connect failed) is always retried. After the request may have been sent, the outcome is
 *       ambiguous: etcd may have applied it, or may still apply it. A GET is then retried (reads change
 *       nothing). A write (PUT or CAS) is <em>not</em>: it ends at once as TIMEOUT (unknown), and the next
 *       operation goes to another member. Retrying a PUT would be harmless for unique keys, but on a key other
 *       clients also write it can apply twice with another client's write in between, which brings the old
 *       value back: a chaos campaign that retried PUTs failed its register linearizability check exactly so.
 *       A CAS applied twice could likewise succeed against the value its first apply wrote.</li>
 *   <li>An operation whose deadline passes ends as TIMEOUT if an attempt may have been sent, and with the
 *       last connection failure (FAILED) otherwise.</li>
 * </ul>
 */
public final class EtcdTarget implements Target {

    /** Per-attempt timeout of the three-argument constructor. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofMillis(300);
    /** How long an endpoint that failed an attempt is skipped. */
    public static final Duration DEFAULT_UNHEALTHY_BACKOFF = Duration.ofMillis(500);

    private static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("kvbench.etcd.exchange");
    private static final int MAX_RESPONSE_BYTES = 1 << 20;
    /** Pause before an attempt when every endpoint is marked unhealthy. */
    private static final long ALL_UNHEALTHY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final List<URI> endpoints;
    private final int connectionsPerEndpoint;
    private final long requestTimeoutNanos;
    private final long attemptTimeoutNanos;
    private final long unhealthyBackoffNanos;
    private final List<FixedChannelPool> pools = new ArrayList<>();
    private final AtomicInteger nextPool = new AtomicInteger();
    /** Per endpoint: System.nanoTime() until which it is skipped; 0 when healthy. */
    private final AtomicLongArray unhealthyUntil;
    private EventLoopGroup group;

    /**
     * Failover with the default attempt timeout (300 ms) and unhealthy backoff (500 ms).
     *
     * @param endpoints              client URLs such as {@code http://127.0.0.1:2379}
     * @param connectionsPerEndpoint keep-alive connections per endpoint, hence the most in flight per endpoint
     * @param requestTimeout         the whole operation's deadline, retries included; TIMEOUT after it
     */
    public EtcdTarget(List<URI> endpoints, int connectionsPerEndpoint, Duration requestTimeout) {
        this(endpoints, connectionsPerEndpoint, requestTimeout, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_UNHEALTHY_BACKOFF);
    }

    /**
     * @param attemptTimeout   one attempt not answered by then is abandoned (its connection closed) and the
     *                         operation retried elsewhere if that is safe; at least {@code requestTimeout}
     *                         means one attempt per endpoint choice, i.e. no timeout-driven failover
     * @param unhealthyBackoff how long an endpoint is skipped after a failed attempt
     */
    public EtcdTarget(List<URI> endpoints, int connectionsPerEndpoint, Duration requestTimeout,
            Duration attemptTimeout, Duration unhealthyBackoff) {
        if (endpoints.isEmpty() || connectionsPerEndpoint < 1) {
            throw new IllegalArgumentException("need at least one endpoint and one connection");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || attemptTimeout.isNegative()
                || attemptTimeout.isZero() || unhealthyBackoff.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive and the backoff not negative");
        }
        this.endpoints = List.copyOf(endpoints);
        this.connectionsPerEndpoint = connectionsPerEndpoint;
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.attemptTimeoutNanos = Math.min(attemptTimeout.toNanos(), requestTimeoutNanos);
        this.unhealthyBackoffNanos = unhealthyBackoff.toNanos();
        this.unhealthyUntil = new AtomicLongArray(endpoints.size());
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
        int connectTimeoutMillis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(attemptTimeoutNanos));
        for (URI endpoint : endpoints) {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NettyTransport.socketChannelClass())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                    .remoteAddress(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
            pools.add(new FixedChannelPool(bootstrap, new PipelineSetUp(), ChannelHealthChecker.ACTIVE,
                    null, -1, connectionsPerEndpoint, Integer.MAX_VALUE, true, true));
        }
    }

    /** The one event loop every connection pool, timer and answer runs on. */
    @Override
    public ScheduledExecutorService sendingLoop() {
        return group == null ? null : group.next();
    }

    @Override
    public CompletableFuture<OpResult> execute(Operation operation) {
        Call call = new Call(operation, EtcdJson.requestBody(operation), System.nanoTime() + requestTimeoutNanos);
        // The deadline also covers time spent queued for a connection, where no attempt timer runs yet.
        ScheduledFuture<?> deadline = group.schedule(() -> call.result.complete(call.outcomeAtDeadline()),
                requestTimeoutNanos, TimeUnit.NANOSECONDS);
        call.result.whenComplete((outcome, error) -> deadline.cancel(false));
        attempt(call, Math.floorMod(nextPool.getAndIncrement(), pools.size()));
        return call.result;
    }

    /** Starts an attempt on the first healthy endpoint from {@code preferred} on. */
    private void attempt(Call call, int preferred) {
        if (call.result.isDone()) {
            return;
        }
        int index = choose(preferred);
        if (index < 0) {
            // Every endpoint is marked unhealthy: wait a little, then try the one whose mark expires first.
            int fallback = leastRecentlyFailed();
            group.schedule(() -> start(call, fallback), ALL_UNHEALTHY_PAUSE_NANOS, TimeUnit.NANOSECONDS);
        } else {
            start(call, index);
        }
    }

    private void start(Call call, int index) {
        if (call.result.isDone()) {
            return;
        }
        FixedChannelPool pool = pools.get(index);
        pool.acquire().addListener((Future<Channel> acquired) -> {
            if (!acquired.isSuccess()) {
                // Nothing was sent: always safe to retry.
                attemptFailed(call, index, OpResult.failed("connect"), false);
            } else if (call.result.isDone()) {
                pool.release(acquired.getNow());
            } else {
                send(acquired.getNow(), pool, index, call);
            }
        });
    }

    private void send(Channel channel, FixedChannelPool pool, int index, Call call) {
        Exchange exchange = new Exchange(this, call, pool, index);
        channel.attr(EXCHANGE).set(exchange);
        call.maybeSent = true;
        long timeout = Math.min(attemptTimeoutNanos, Math.max(0, call.deadlineNanos - System.nanoTime()));
        exchange.timeout = channel.eventLoop().schedule(
                () -> failed(channel, OpResult.timeout()), timeout, TimeUnit.NANOSECONDS);
        URI endpoint = endpoints.get(index);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                EtcdJson.path(call.operation.kind()), Unpooled.wrappedBuffer(call.body));
        request.headers().set(HttpHeaderNames.HOST, endpoint.getHost() + ":" + endpoint.getPort())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, call.body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                failed(channel, OpResult.failed("write"));
            }
        });
    }

    /** The channel's exchange got an answer: the operation ends with it (HTTP errors included). */
    private static void answered(Channel channel, OpResult outcome, boolean closeConnection) {
        Exchange exchange = detach(channel, closeConnection);
        if (exchange != null) {
            exchange.call.result.complete(outcome);
        }
    }

    /** The channel's exchange failed after the request may have been sent: its outcome is ambiguous. */
    private static void failed(Channel channel, OpResult failure) {
        Exchange exchange = detach(channel, true);
        if (exchange != null) {
            exchange.target.attemptFailed(exchange.call, exchange.endpointIndex, failure, true);
        }
    }

    /** Ends the channel's current exchange once (whoever comes first: response, timeout, close). */
    private static Exchange detach(Channel channel, boolean closeConnection) {
        Exchange exchange = channel.attr(EXCHANGE).getAndSet(null);
        if (exchange == null) {
            return null;
        }
        exchange.timeout.cancel(false);
        if (closeConnection) {
            channel.close();
        }
        // Released even when closed: the pool counts it free again and its health check drops it.
        exchange.pool.release(channel);
        return exchange;
    }

    /** Marks the endpoint unhealthy and retries the operation elsewhere if that is safe and time is left. */
    private void attemptFailed(Call call, int index, OpResult failure, boolean maybeSent) {
        unhealthyUntil.set(index, System.nanoTime() + unhealthyBackoffNanos);
        call.lastFailure = failure;
        if (maybeSent && call.operation.kind() != OperationKind.GET) {
            // A write that may have been sent may be applied (even later): a retry could apply it twice.
            call.result.complete(OpResult.timeout());
        } else if (System.nanoTime() - call.deadlineNanos >= 0) {
            call.result.complete(call.outcomeAtDeadline());
        } else {
            // Nothing was sent, or it is a GET: trying again elsewhere cannot apply anything twice.
            attempt(call, (index + 1) % pools.size());
        }
    }

    /** The first healthy endpoint from {@code preferred} on, or -1 when all are marked unhealthy. */
    private int choose(int preferred) {
        long now = System.nanoTime();
        for (int step = 0; step < pools.size(); step++) {
            int index = (preferred + step) % pools.size();
            long until = unhealthyUntil.get(index);
            if (until == 0 || now - until >= 0) {
                return index;
            }
        }
        return -1;
    }

    private int leastRecentlyFailed() {
        int best = 0;
        for (int index = 1; index < pools.size(); index++) {
            if (unhealthyUntil.get(index) - unhealthyUntil.get(best) < 0) {
                best = index;
            }
        }
        return best;
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

    /** One operation across its attempts. */
    private static final class Call {
        final Operation operation;
        final byte[] body;
        final long deadlineNanos;
        final CompletableFuture<OpResult> result = new CompletableFuture<>();
        /** Set once a request was handed to a connection: from then on the outcome may be ambiguous. */
        volatile boolean maybeSent;
        volatile OpResult lastFailure;

        Call(Operation operation, byte[] body, long deadlineNanos) {
            this.operation = operation;
            this.body = body;
            this.deadlineNanos = deadlineNanos;
        }

        OpResult outcomeAtDeadline() {
            OpResult last = lastFailure;
            return maybeSent || last == null ? OpResult.timeout() : last;
        }
    }

    /** One attempt of a call on one connection. */
    private static final class Exchange {
        final EtcdTarget target;
        final Call call;
        final FixedChannelPool pool;
        final int endpointIndex;
        ScheduledFuture<?> timeout;

        Exchange(EtcdTarget target, Call call, FixedChannelPool pool, int endpointIndex) {
            this.target = target;
            this.call = call;
            this.pool = pool;
            this.endpointIndex = endpointIndex;
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
                    ? EtcdJson.parseResponse(exchange.call.operation.kind(), body)
                    : EtcdJson.parseFailure(response.status().code(), body);
            answered(context.channel(), outcome, !HttpUtil.isKeepAlive(response));
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            failed(context.channel(), OpResult.failed("connection_closed"));
            context.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            failed(context.channel(), OpResult.failed("io_" + cause.getClass().getSimpleName()));
            context.close();
        }
    }
}
