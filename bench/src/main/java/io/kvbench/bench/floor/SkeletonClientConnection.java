package io.kvbench.bench.floor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.util.ArrayDeque;

/** One skeleton client connection: its writes in flight, answered in the order sent; the next sent for each answer. */
final class SkeletonClientConnection extends SimpleChannelInboundHandler<ByteBuf> {
    private final SkeletonClient client;
    final int inFlight;
    private final int payloadBytes;
    private final ArrayDeque<long[]> sentInOrder = new ArrayDeque<>();
    private long nextRequestId;

    SkeletonClientConnection(SkeletonClient client, int inFlight, int payloadBytes) {
        this.client = client;
        this.inFlight = inFlight;
        this.payloadBytes = payloadBytes;
    }

    void sendNext(Channel channel) {
        long requestId = nextRequestId++;
        sentInOrder.add(new long[] {requestId, System.nanoTime()});
        client.recordSent();
        ByteBuf request = channel.alloc().buffer(MajorityWriteSkeleton.ID_BYTES + payloadBytes).writeLong(requestId).writeZero(payloadBytes);
        channel.write(request).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
        long requestId = message.readLong();
        long[] oldest = sentInOrder.poll();
        if (oldest == null || oldest[0] != requestId) {
            client.fail(new IOException("answer " + requestId + " where "
                    + (oldest == null ? "none" : String.valueOf(oldest[0])) + " was due"));
            context.close();
            return;
        }
        if (client.answered(System.nanoTime() - oldest[1])) sendNext(context.channel());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        context.flush(); // this connection's next requests in one write
        context.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        client.fail(new IOException("a client connection closed"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        client.fail(cause);
        context.close();
    }
}
