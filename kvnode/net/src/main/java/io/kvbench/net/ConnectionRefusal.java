package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.function.Function;

/**
 * The only handler of a connection accepted beyond its port's {@link PortLimits#maxConnections}: it says why in the
 * port's protocol and closes as soon as that is written, reading nothing. No linger (unlike {@link ConnectionFailure}):
 * a connection past the limit must not hold a socket for long, so if the other side has already sent something the
 * close may reset the connection before it reads why. The refusal is counted and logged (rate-limited) by the port.
 */
final class ConnectionRefusal extends ChannelInboundHandlerAdapter {
    private final PortIntake intake;
    private final Function<ByteBufAllocator, ByteBuf> errorFrame;

    ConnectionRefusal(PortIntake intake, Function<ByteBufAllocator, ByteBuf> errorFrame) {
        this.intake = intake;
        this.errorFrame = errorFrame;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        context.channel().config().setAutoRead(false);
        if (context.channel().isActive()) refuse(context);
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        refuse(context);
    }

    private void refuse(ChannelHandlerContext context) {
        if (!ConnectionFailure.begin(context)) return;
        intake.refused(Refusal.CONNECTION_LIMIT, "refused a connection from " + context.channel().remoteAddress()
                + ": " + intake.limits().maxConnections() + " are open, the most this port takes");
        context.writeAndFlush(errorFrame.apply(context.alloc())).addListener(ChannelFutureListener.CLOSE);
    }
}
