package io.kvbench.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The initiating side of one peer connection: sends the Hello, and declares the connection usable only when
 * the HelloOk names the cluster and node we meant to reach. Raft messages flow only outbound on it; each
 * node answers over its own outbound connection.
 */
final class PeerOutboundHandler extends ChannelInboundHandlerAdapter {
    private final PeerClient client;
    private final PeerConnectionsConfig config;
    private ScheduledFuture<?> handshakeTimeout;
    private boolean established;

    PeerOutboundHandler(PeerClient client, PeerConnectionsConfig config) {
        this.client = client;
        this.config = config;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        context.writeAndFlush(PeerCodec.encode(context.alloc(), new PeerControl.Hello(config.clusterId(),
                config.selfNodeId(), client.peerNodeId(), PeerControl.PROTOCOL_VERSION)));
        handshakeTimeout = context.executor().schedule(() -> {
            if (!established) fail(context, "no HELLO_OK within " + config.handshakeTimeoutMillis() + " ms");
        }, config.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
        context.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (handshakeTimeout != null) handshakeTimeout.cancel(false);
        context.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object frame) {
        if (ConnectionFailure.closing(context)) return;
        if (!established && frame instanceof PeerControl.HelloOk ok) {
            checkHelloOk(context, ok);
        } else if (frame instanceof PeerControl.HelloRejected rejected) {
            fail(context, "handshake rejected: " + rejected.reason());
        } else if (frame instanceof PeerControl.ProtocolError error) {
            fail(context, "peer reported a protocol error: " + error.reason());
        } else {
            fail(context, "unexpected frame " + frame + " on an outbound peer connection");
        }
    }

    private void checkHelloOk(ChannelHandlerContext context, PeerControl.HelloOk ok) {
        if (!ok.clusterId().equals(config.clusterId()) || ok.nodeId() != client.peerNodeId()) {
            fail(context, "reached node " + ok.nodeId() + " of cluster '" + ok.clusterId() + "', expected node "
                    + client.peerNodeId() + " of cluster '" + config.clusterId() + "'");
            return;
        }
        established = true;
        handshakeTimeout.cancel(false);
        client.onHandshakeComplete(context.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        fail(context, cause instanceof FrameFormatException ? cause.getMessage() : String.valueOf(cause));
    }

    private void fail(ChannelHandlerContext context, String reason) {
        if (!ConnectionFailure.begin(context)) return;
        client.reportProblem(reason);
        context.close();
    }
}
