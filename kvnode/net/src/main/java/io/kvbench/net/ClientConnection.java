package io.kvbench.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.flush.FlushConsolidationHandler;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * A client's connection to one node's client port. Requests are pipelined: any number may be in flight, each
 * completed by the response carrying its id. When the connection closes every pending future fails with a
 * {@link ConnectionClosedException}. Thread-safe. Timeouts are the caller's ({@link CompletableFuture#orTimeout}).
 */
public final class ClientConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());

    private final Channel channel;
    private final InetSocketAddress address;
    private final ConcurrentHashMap<Long, CompletableFuture<ClientResponse>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextRequestId = new AtomicLong(1);
    private volatile boolean closed;
    /** Why the connection ended, when the server or the decoder said; used in the exception for pending requests. */
    private volatile String closeReason = "";

    private ClientConnection(Channel channel, InetSocketAddress address) {
        this.channel = channel;
        this.address = address;
    }

    /** Connects to a node's client port, with the default 2 MiB frame limit. */
    public static CompletableFuture<ClientConnection> connect(NettyResources resources, InetSocketAddress address) {
        return connect(resources, address, WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, 5_000);
    }

    public static CompletableFuture<ClientConnection> connect(NettyResources resources, InetSocketAddress address,
                                                              int maxFrameBytes, int connectTimeoutMillis) {
        ConnectionHandler handler = new ConnectionHandler();
        ChannelFuture connecting = new Bootstrap()
                .group(resources.group())
                .channel(resources.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new FlushConsolidationHandler(
                                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                        channel.pipeline().addLast(new FrameDecoder(maxFrameBytes, ClientCodec::decodeResponse));
                        channel.pipeline().addLast(handler);
                    }
                })
                .connect(address);
        ClientConnection connection = new ClientConnection(connecting.channel(), address);
        handler.connection = connection;
        connecting.channel().closeFuture().addListener(closed -> connection.failPending());
        CompletableFuture<ClientConnection> result = new CompletableFuture<>();
        connecting.addListener((ChannelFuture attempt) -> {
            if (attempt.isSuccess()) {
                result.complete(connection);
            } else {
                result.completeExceptionally(attempt.cause());
            }
        });
        return result;
    }

    /** A fresh id for {@link #send}; the convenience methods below take theirs from here too. */
    public long nextRequestId() {
        return nextRequestId.getAndIncrement();
    }

    public CompletableFuture<ClientResponse> command(byte[] command) {
        return send(ClientRequest.command(nextRequestId(), command));
    }

    public CompletableFuture<ClientResponse> read(byte[] query) {
        return send(ClientRequest.read(nextRequestId(), query));
    }

    public CompletableFuture<ClientResponse> status() {
        return send(ClientRequest.status(nextRequestId()));
    }

    /** A status with the node's latency histograms ({@link ClientRequest#statusWithLatencyHistograms}). */
    public CompletableFuture<ClientResponse> statusWithLatencyHistograms() {
        return send(ClientRequest.statusWithLatencyHistograms(nextRequestId()));
    }

    /**
     * Sends {@code request}, whose id must not be in flight on this connection already (0 is reserved for
     * errors about the whole connection). Encodes on the calling thread; never blocks.
     */
    public CompletableFuture<ClientResponse> send(ClientRequest request) {
        long requestId = request.requestId();
        if (requestId == 0) throw new IllegalArgumentException("request id 0 is reserved");
        CompletableFuture<ClientResponse> future = new CompletableFuture<>();
        if (pending.putIfAbsent(requestId, future) != null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("request id " + requestId + " is already in flight"));
        }
        // Checked after registering: either we see the close here, or failPending sees our future.
        if (closed) {
            pending.remove(requestId);
            future.completeExceptionally(closedException());
            return future;
        }
        ByteBuf frame = ClientCodec.encodeRequest(channel.alloc(), request);
        channel.writeAndFlush(frame, channel.voidPromise());
        return future;
    }

    public int pendingRequestCount() {
        return pending.size();
    }

    public boolean isOpen() {
        return !closed && channel.isActive();
    }

    public InetSocketAddress remoteAddress() {
        return address;
    }

    /** Closes the connection; pending requests fail with {@link ConnectionClosedException}. */
    @Override
    public void close() {
        closeReason = "closed by the client";
        channel.close().awaitUninterruptibly();
    }

    private void complete(ClientResponse response) {
        CompletableFuture<ClientResponse> future = pending.remove(response.requestId());
        if (future == null) {
            LOG.log(DEBUG, "response to unknown request {0,number,#} from {1}", response.requestId(), address);
            return;
        }
        future.complete(response);
    }

    private void failPending() {
        closed = true;
        for (Long requestId : pending.keySet()) {
            CompletableFuture<ClientResponse> future = pending.remove(requestId);
            if (future != null) future.completeExceptionally(closedException());
        }
    }

    private ConnectionClosedException closedException() {
        String reason = closeReason;
        return new ConnectionClosedException("connection to " + address + " closed" + (reason.isEmpty() ? "" : ": " + reason));
    }

    private static final class ConnectionHandler extends ChannelInboundHandlerAdapter {
        private ClientConnection connection;

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            ClientResponse response = (ClientResponse) message;
            if (response.requestId() == 0 && response instanceof ClientResponse.Error error) {
                // The server is about to close the connection; remember why for the pending requests.
                connection.closeReason = "server reported " + error.code() + ": " + error.message();
                LOG.log(WARNING, "{0} from {1}", connection.closeReason, connection.address);
                return;
            }
            connection.complete(response);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (!ConnectionFailure.begin(context)) return;
            if (cause instanceof WrongPortException) {
                connection.closeReason = cause.getMessage() + " (is this a peer port?)";
            } else {
                connection.closeReason = String.valueOf(cause.getMessage());
            }
            // A reset from a node that died is the normal case in failover; only protocol trouble is a warning.
            System.Logger.Level level = cause instanceof java.io.IOException ? System.Logger.Level.DEBUG : WARNING;
            LOG.log(level, "closing client connection to {0}: {1}", connection.address, connection.closeReason);
            context.close();
        }
    }
}
