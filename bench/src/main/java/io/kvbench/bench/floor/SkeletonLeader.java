package io.kvbench.bench.floor;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * Gives each request the next sequence, replicates each turn's requests as one range and makes them durable with
 * one fsync, and answers every request held by a majority counting itself ({@code acksNeeded} followers) once its
 * own record is durable, each connection flushed once per turn.
 */
final class SkeletonLeader extends SkeletonNodeHandler {
    final List<Channel> followers = new ArrayList<>();
    private final SkeletonDurable durable;
    private final SkeletonTurnEnd turnEnd;
    private final int acksNeeded;
    private final long[] ackedUpTo;
    /** By sequence: the connection that asked and its own request id, to answer it. */
    private final Channel[] requesters;
    private final long[] requestIds;
    private final Set<Channel> answeredThisTurn = new LinkedHashSet<>();
    private long receivedUpTo = -1;
    private long replicatedUpTo = -1;
    private long durableUpTo = -1;
    private long answeredUpTo = -1;

    private final int payloadBytes;
    /** The turn's requests' payload, in sequence order: what the turn's range carries. */
    private ByteBuf turnPayload;

    SkeletonLeader(SkeletonDurable durable, EventLoop loop, int followerCount, int acksNeeded, int totalWrites,
            int payloadBytes, CompletableFuture<Histogram> done) {
        super(done);
        this.payloadBytes = payloadBytes;
        this.durable = durable;
        this.turnEnd = new SkeletonTurnEnd(loop, this::replicateAndAnswer, done);
        this.acksNeeded = acksNeeded;
        this.ackedUpTo = new long[followerCount];
        Arrays.fill(ackedUpTo, -1);
        this.requesters = new Channel[totalWrites];
        this.requestIds = new long[totalWrites];
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
        int sequence = (int) ++receivedUpTo;
        if (sequence >= requesters.length) {
            throw new IllegalStateException("more requests than the " + requesters.length + " writes asked for");
        }
        requesters[sequence] = context.channel();
        requestIds[sequence] = message.readLong();
        if (turnPayload == null) turnPayload = context.alloc().buffer();
        turnPayload.writeBytes(message, payloadBytes);
        turnEnd.queue();
    }

    /** After the turn's reads: replicate and persist what arrived, answer what became committed. */
    private void replicateAndAnswer() {
        if (receivedUpTo > replicatedUpTo) {
            long first = replicatedUpTo + 1;
            replicatedUpTo = receivedUpTo;
            ByteBuf payload = turnPayload;
            turnPayload = null;
            int bytes = payload.readableBytes();
            for (Channel follower : followers) {
                // Header and payload in one gathering write per follower; the payload is shared, not copied.
                ByteBuf header = follower.alloc().buffer(4 + MajorityWriteSkeleton.RANGE_HEADER_BYTES)
                        .writeInt(MajorityWriteSkeleton.RANGE_HEADER_BYTES + bytes).writeLong(first).writeLong(replicatedUpTo);
                follower.write(header).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
                follower.writeAndFlush(payload.retainedDuplicate())
                        .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            }
            payload.release();
            durable.write(replicatedUpTo, bytes, sequence -> {
                durableUpTo = Math.max(durableUpTo, sequence);
                answerCommitted();
            });
        }
        answerCommitted();
    }

    SimpleChannelInboundHandler<ByteBuf> ackHandler(int follower) {
        return new SkeletonNodeHandler(done) {
            @Override
            protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
                ackedUpTo[follower] = Math.max(ackedUpTo[follower], message.readLong());
                turnEnd.queue();
            }
        };
    }

    /** Answers every request durable here and acknowledged by {@code acksNeeded} followers; one flush each. */
    private void answerCommitted() {
        long[] acked = ackedUpTo.clone();
        Arrays.sort(acked);
        long committedUpTo = Math.min(durableUpTo, acked[acked.length - acksNeeded]);
        if (committedUpTo <= answeredUpTo) return;
        for (long sequence = answeredUpTo + 1; sequence <= committedUpTo; sequence++) {
            Channel requester = requesters[(int) sequence];
            SkeletonNetwork.send(requester, requestIds[(int) sequence], false);
            answeredThisTurn.add(requester);
        }
        answeredUpTo = committedUpTo;
        for (Channel requester : answeredThisTurn) requester.flush();
        answeredThisTurn.clear();
    }
}
