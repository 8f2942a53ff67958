package io.kvbench.bench.floor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/** A skeleton node's handler: any failure ends the measurement (the {@code done} future the client completes). */
abstract class SkeletonNodeHandler extends SimpleChannelInboundHandler<ByteBuf> {
    final CompletableFuture<Histogram> done;

    SkeletonNodeHandler(CompletableFuture<Histogram> done) {
        this.done = done;
    }

    @Override
    public boolean isSharable() {
        return true;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        done.completeExceptionally(cause);
        context.close();
    }
}
