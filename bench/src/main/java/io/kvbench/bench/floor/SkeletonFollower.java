package io.kvbench.bench.floor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * At the end of each event-loop turn that read ranges (a task queued behind the turn's reads, as kvnode's driver
 * works per turn), makes them durable with one fsync, then acknowledges the highest sequence held.
 */
final class SkeletonFollower extends SkeletonNodeHandler {
    private final SkeletonDurable durable;
    private final SkeletonTurnEnd turnEnd;
    private Channel leader;
    private long receivedUpTo = -1;
    private long writtenUpTo = -1;
    private long receivedBytes;

    SkeletonFollower(SkeletonDurable durable, EventLoop loop, CompletableFuture<Histogram> done) {
        super(done);
        this.durable = durable;
        this.turnEnd = new SkeletonTurnEnd(loop, this::endOfTurn, done);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
        leader = context.channel();
        message.readLong(); // the range's first sequence: the follower holds everything up to its last
        receivedUpTo = Math.max(receivedUpTo, message.readLong());
        receivedBytes += message.readableBytes(); // the range's writes' payload
        turnEnd.queue();
    }

    private void endOfTurn() {
        if (receivedUpTo > writtenUpTo) {
            writtenUpTo = receivedUpTo;
            Channel toLeader = leader;
            long bytes = receivedBytes;
            receivedBytes = 0;
            durable.write(writtenUpTo, bytes, sequence -> SkeletonNetwork.send(toLeader, sequence, true));
        }
    }
}
