package io.kvbench.net;

import io.kvbench.raft.Message;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The accepting side of one peer connection: checks the Hello, then delivers raft messages. Only messages
 * from the node that said Hello and addressed to this node are delivered, so a confused sender cannot
 * inject messages under another node's id.
 */
final class PeerInboundHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(PeerServer.class.getName());

    private final PeerServerConfig config;
    private final PortIntake intake;
    /** Its frame limit is raised from the handshake's to the port's once the Hello is accepted. */
    private final FrameDecoder decoder;
    private final Consumer<Message> messageConsumer;
    private final IntConsumer inboundClosedListener;
    private final IntConsumer inboundOpenedListener;
    /** 0 until the Hello is accepted. Only touched on the channel's event loop. */
    private int peerNodeId;
    private ScheduledFuture<?> handshakeTimeout;

    PeerInboundHandler(PeerServerConfig config, PortIntake intake, FrameDecoder decoder, Consumer<Message> messageConsumer,
                       IntConsumer inboundClosedListener, IntConsumer inboundOpenedListener) {
        this.inboundOpenedListener = inboundOpenedListener;
        this.config = config;
        this.intake = intake;
        this.decoder = decoder;
        this.messageConsumer = messageConsumer;
        this.inboundClosedListener = inboundClosedListener;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        handshakeTimeout = context.executor().schedule(() -> {
            if (peerNodeId == 0) {
                reject(context, Refusal.HANDSHAKE_TIMEOUT, "no HELLO within " + config.handshakeTimeoutMillis() + " ms");
            }
        }, config.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
        context.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (handshakeTimeout != null) handshakeTimeout.cancel(false);
        if (peerNodeId != 0) {
            LOG.log(DEBUG, "peer {0,number,#} at {1} disconnected", peerNodeId, remote(context));
            // Everything the peer sent on this connection has been read and handed on by now (TCP keeps order),
            // so a listener that treats this as "the peer is gone" cannot be overtaken by its last messages.
            inboundClosedListener.accept(peerNodeId);
        }
        context.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object frame) {
        if (ConnectionFailure.closing(context)) return;
        if (peerNodeId == 0) {
            handshake(context, frame);
        } else if (frame instanceof Message message) {
            deliver(context, message);
        } else {
            protocolError(context, "unexpected " + frame + " after the handshake");
        }
    }

    private void handshake(ChannelHandlerContext context, Object frame) {
        if (!(frame instanceof PeerControl.Hello hello)) {
            reject(context, Refusal.HANDSHAKE_REJECTED, "expected HELLO as the first frame, got " + describe(frame));
            return;
        }
        String refusal = refusal(hello);
        if (refusal != null) {
            reject(context, Refusal.HANDSHAKE_REJECTED, refusal);
            return;
        }
        peerNodeId = hello.fromNodeId();
        if (handshakeTimeout != null) handshakeTimeout.cancel(false);
        decoder.maxFrameBytes(config.maxFrameBytes()); // a member now: raft messages up to the port's limit
        context.writeAndFlush(PeerCodec.encode(context.alloc(), new PeerControl.HelloOk(config.clusterId(),
                config.selfNodeId())));
        LOG.log(INFO, "node {0,number,#}: accepted peer {1,number,#} from {2}", config.selfNodeId(), peerNodeId, remote(context));
        inboundOpenedListener.accept(peerNodeId);
    }

    /** Why {@code hello} is refused, or null to accept it. */
    private String refusal(PeerControl.Hello hello) {
        if (hello.protocolVersion() != PeerControl.PROTOCOL_VERSION) {
            return "peer protocol version " + hello.protocolVersion() + " is not " + PeerControl.PROTOCOL_VERSION;
        }
        if (!hello.clusterId().equals(config.clusterId())) {
            return "wrong cluster: this is cluster '" + config.clusterId() + "', not '" + hello.clusterId() + "'";
        }
        if (hello.toNodeId() != config.selfNodeId()) {
            return "wrong node: this is node " + config.selfNodeId() + ", not " + hello.toNodeId();
        }
        if (!config.peerNodeIds().contains(hello.fromNodeId())) {
            return "node " + hello.fromNodeId() + " is not a member of cluster '" + config.clusterId() + "'";
        }
        return null;
    }

    private void deliver(ChannelHandlerContext context, Message message) {
        if (message.from() != peerNodeId || message.to() != config.selfNodeId()) {
            protocolError(context, "message from " + message.from() + " to " + message.to()
                    + " on the connection of peer " + peerNodeId + " to node " + config.selfNodeId());
            return;
        }
        try {
            messageConsumer.accept(message);
        } catch (RuntimeException e) {
            // A bug in the runtime's hand-off; closing makes the sender reconnect rather than hang silently.
            LOG.log(WARNING, "node " + config.selfNodeId() + ": message consumer failed on " + message, e);
            context.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (ConnectionFailure.closing(context)) return;
        if (cause instanceof WrongPortException wrongPort) {
            // Answer in the client protocol so a misdirected client reports something readable.
            intake.refused(Refusal.MALFORMED, "refusing connection on the peer port: " + wrongPort.getMessage());
            ByteBuf error = ClientCodec.encodeResponse(context.alloc(), new ClientResponse.Error(0,
                    ErrorCode.MALFORMED, "this is a raft peer port, not a client port"));
            ConnectionFailure.close(context, LOG, WARNING, null, error);
        } else if (cause instanceof FrameTooLargeException && peerNodeId == 0) {
            protocolError(context, Refusal.FRAME_TOO_LARGE, cause.getMessage() + " before the handshake (a HELLO is at most "
                    + config.handshakeMaxFrameBytes() + " bytes)");
        } else if (cause instanceof FrameFormatException) {
            protocolError(context, cause instanceof FrameTooLargeException ? Refusal.FRAME_TOO_LARGE : Refusal.MALFORMED,
                    cause.getMessage());
        } else if (cause instanceof InboundRefusedException refused) {
            protocolError(context, refused.reason(), cause.getMessage());
        } else if (cause instanceof OutOfMemoryError) {
            intake.refused(Refusal.ALLOCATION_FAILED, "closing peer connection " + remote(context) + ": " + cause);
            ConnectionFailure.close(context, LOG, WARNING, null, null);
        } else {
            ConnectionFailure.close(context, LOG, INFO, "node " + config.selfNodeId() + ": closing peer connection "
                    + remote(context) + ": " + cause, null);
        }
    }

    private void reject(ChannelHandlerContext context, Refusal reason, String why) {
        intake.refused(reason, "from " + remote(context) + ": " + why);
        ConnectionFailure.close(context, LOG, WARNING, null,
                PeerCodec.encode(context.alloc(), new PeerControl.HelloRejected(why)));
    }

    private void protocolError(ChannelHandlerContext context, String reason) {
        protocolError(context, Refusal.MALFORMED, reason);
    }

    private void protocolError(ChannelHandlerContext context, Refusal refusal, String reason) {
        String peer = peerNodeId == 0 ? "" : " (peer " + peerNodeId + ")";
        intake.refused(refusal, "closing peer connection " + remote(context) + peer + ": " + reason);
        ConnectionFailure.close(context, LOG, WARNING, null,
                PeerCodec.encode(context.alloc(), new PeerControl.ProtocolError(reason)));
    }

    private static String describe(Object frame) {
        return frame instanceof Message message ? PeerCodec.frameType(message).toString() : String.valueOf(frame);
    }

    static String remote(ChannelHandlerContext context) {
        return String.valueOf(context.channel().remoteAddress());
    }
}
