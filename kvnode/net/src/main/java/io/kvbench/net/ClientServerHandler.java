package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/** One client connection on the server: bounds the requests in flight and hands each to the runtime. */
final class ClientServerHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(ClientServer.class.getName());

    private final ClientServerConfig config;
    private final PortIntake intake;
    private final ClientRequestHandler requestHandler;
    /** Decremented by reply channels on whichever thread replies. */
    private final AtomicInteger inFlight = new AtomicInteger();

    ClientServerHandler(ClientServerConfig config, PortIntake intake, ClientRequestHandler requestHandler) {
        this.config = config;
        this.intake = intake;
        this.requestHandler = requestHandler;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (ConnectionFailure.closing(context)) return;
        ClientRequest request = (ClientRequest) message;
        if (inFlight.get() >= config.maxInFlightPerConnection()) {
            context.writeAndFlush(ClientCodec.encodeResponse(context.alloc(), new ClientResponse.Error(
                    request.requestId(), ErrorCode.OVERLOADED, config.maxInFlightPerConnection()
                    + " requests already in flight on this connection")));
            return;
        }
        inFlight.incrementAndGet();
        ChannelReplyChannel replyChannel = new ChannelReplyChannel(context.channel(), request.requestId(), inFlight,
                config.maxFrameBytes());
        try {
            requestHandler.onRequest(request, replyChannel);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "client request handler failed on " + request, e);
            replyChannel.reply(new ClientResponse.Error(request.requestId(), ErrorCode.INTERNAL, String.valueOf(e)));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (ConnectionFailure.closing(context)) return;
        String remote = String.valueOf(context.channel().remoteAddress());
        if (cause instanceof WrongPortException wrongPort) {
            // A node dialled the client port: answer in the peer protocol so its log says why.
            intake.refused(Refusal.MALFORMED, "refusing connection on the client port: " + wrongPort.getMessage());
            ByteBuf rejection = PeerCodec.encode(context.alloc(),
                    new PeerControl.HelloRejected("this is a client port, not a raft peer port"));
            ConnectionFailure.close(context, LOG, WARNING, null, rejection);
        } else if (cause instanceof FrameFormatException) {
            boolean tooLarge = cause instanceof FrameTooLargeException;
            intake.refused(tooLarge ? Refusal.FRAME_TOO_LARGE : Refusal.MALFORMED, "closing client connection "
                    + remote + ": " + cause.getMessage());
            ErrorCode code = tooLarge ? ErrorCode.TOO_LARGE : ErrorCode.MALFORMED;
            ConnectionFailure.close(context, LOG, WARNING, null, errorFrame(context, code, cause.getMessage()));
        } else if (cause instanceof InboundRefusedException refused) {
            intake.refused(refused.reason(), "closing client connection " + remote + ": " + cause.getMessage());
            ConnectionFailure.close(context, LOG, WARNING, null, errorFrame(context, ErrorCode.OVERLOADED, cause.getMessage()));
        } else if (cause instanceof OutOfMemoryError) {
            intake.refused(Refusal.ALLOCATION_FAILED, "closing client connection " + remote + ": " + cause);
            ConnectionFailure.close(context, LOG, WARNING, null, null);
        } else {
            ConnectionFailure.close(context, LOG, DEBUG, "closing client connection " + remote + ": " + cause, null);
        }
    }

    private static ByteBuf errorFrame(ChannelHandlerContext context, ErrorCode code, String message) {
        return ClientCodec.encodeResponse(context.alloc(), new ClientResponse.Error(0, code, message));
    }
}
