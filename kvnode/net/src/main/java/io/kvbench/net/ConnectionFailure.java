package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;

/**
 * Ends one connection after a protocol failure: at most one log line and one error frame per connection,
 * however many exceptions follow (a decoder fails again as bytes keep arriving, and again at close).
 */
final class ConnectionFailure {
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf(ConnectionFailure.class, "closing");

    private ConnectionFailure() {
    }

    /** True the first time it is called for this connection; later calls should do nothing. */
    static boolean begin(ChannelHandlerContext context) {
        context.channel().config().setAutoRead(false);
        return context.channel().attr(CLOSING).setIfAbsent(Boolean.TRUE) == null;
    }

    static boolean closing(ChannelHandlerContext context) {
        return context.channel().hasAttr(CLOSING);
    }

    /** Logs {@code logLine}, sends {@code errorFrame} if there is one, then closes. */
    static void close(ChannelHandlerContext context, System.Logger log, System.Logger.Level level, String logLine,
                      ByteBuf errorFrame) {
        if (!begin(context)) {
            if (errorFrame != null) errorFrame.release();
            return;
        }
        log.log(level, logLine);
        if (errorFrame != null && context.channel().isActive()) {
            context.writeAndFlush(errorFrame).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (errorFrame != null) errorFrame.release();
            context.close();
        }
    }
}
