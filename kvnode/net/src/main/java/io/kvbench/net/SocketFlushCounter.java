package io.kvbench.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the flushes that reach a connection's socket: placed first in the pipeline (nearest the socket), so it sees
 * them after {@link io.netty.handler.flush.FlushConsolidationHandler} has merged a loop turn's flushes into one. Each
 * is a write system call (more when the kernel takes part of the bytes), so flushes per acknowledged write is the
 * figure issue 19 asks for: the system calls a write costs on a node's sending side. One counter may serve many
 * connections (a port's, a node's peers').
 */
@ChannelHandler.Sharable
public final class SocketFlushCounter extends ChannelOutboundHandlerAdapter {
    private final LongAdder flushes = new LongAdder();

    @Override
    public void flush(ChannelHandlerContext context) {
        flushes.increment();
        context.flush();
    }

    /** Flushes that reached a socket since this counter was made. */
    public long count() {
        return flushes.sum();
    }
}
