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
 * <p>The close lingers: we send the error frame and our FIN, stop reading, and close when the other side closes
 * or {@link #LINGER_MILLIS} pass. Closing at once with unread input makes the kernel send an RST, which can destroy
 * the error frame before the other side reads it; reading on to discard the rest would let a connection that was
 * refused for its 16 MiB frame still make the event loop read 16 MiB (issue 20, finding 3), so the unread input
 * waits in the kernel's buffers and the RST, if any, comes after the linger.
 */
final class ConnectionFailure {
    /** Long enough for the error frame to reach a peer on the same network and be read; the socket is held that long. */
    static final long LINGER_MILLIS = 250;
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

    /** Logs {@code logLine} (unless null: the caller logged), sends {@code errorFrame} if there is one, then closes. */
    static void close(ChannelHandlerContext context, System.Logger log, System.Logger.Level level, String logLine,
                      ByteBuf errorFrame) {
        if (!begin(context)) {
            if (errorFrame != null) errorFrame.release();
            return;
        }
        if (logLine != null) log.log(level, logLine);
        context.channel().config().setAutoRead(false);
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
