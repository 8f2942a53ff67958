package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;

import java.util.concurrent.TimeUnit;

/**
 * Ends one connection after a protocol failure: at most one log line and one error frame per connection,
 * however many exceptions follow (a decoder fails again as bytes keep arriving, and again at close).
 *
 * <p>The close lingers: we send the error frame and our FIN, then keep reading (and discarding) until the
 * other side closes or {@link #LINGER_MILLIS} pass. Closing at once with unread input makes the kernel send
 * an RST, which can destroy the error frame before the other side reads it.
 */
final class ConnectionFailure {
    static final long LINGER_MILLIS = 2_000;
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf(ConnectionFailure.class, "closing");

    private ConnectionFailure() {
    }

    /** True the first time it is called for this connection; later calls should do nothing. */
    static boolean begin(ChannelHandlerContext context) {
        return context.channel().attr(CLOSING).setIfAbsent(Boolean.TRUE) == null;
    }

    /** True once the connection is being closed: handlers ignore whatever still arrives. */
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
        if (errorFrame == null || !context.channel().isActive()) {
            if (errorFrame != null) errorFrame.release();
            context.close();
            return;
        }
        context.writeAndFlush(errorFrame).addListener((ChannelFuture written) -> lingerThenClose(context));
    }

    private static void lingerThenClose(ChannelHandlerContext context) {
        if (!(context.channel() instanceof DuplexChannel duplex) || !context.channel().isActive()) {
            context.close();
            return;
        }
        duplex.shutdownOutput();
        context.executor().schedule(() -> context.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }
}
