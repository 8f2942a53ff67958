package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replies on a Netty channel. The response is encoded on the replying thread and the write is handed to the
 * channel's event loop, which is the only thread that touches the socket.
 */
final class ChannelReplyChannel implements ClientReplyChannel {
    private final Channel channel;
    private final long requestId;
    private final AtomicInteger connectionInFlight;
    private final int maxFrameBytes;
    private final AtomicBoolean replied = new AtomicBoolean();

    ChannelReplyChannel(Channel channel, long requestId, AtomicInteger connectionInFlight, int maxFrameBytes) {
        this.channel = channel;
        this.requestId = requestId;
        this.connectionInFlight = connectionInFlight;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public long requestId() {
        return requestId;
    }

    @Override
    public boolean reply(ClientResponse response) {
        if (response.requestId() != requestId) {
            throw new IllegalArgumentException("reply " + response + " to request " + requestId);
        }
        if (!replied.compareAndSet(false, true)) return false;
        connectionInFlight.decrementAndGet();
        if (!channel.isActive()) return false;
        ByteBuf frame = ClientCodec.encodeResponse(channel.alloc(), response);
        if (frame.readableBytes() > maxFrameBytes) {
            int responseBytes = frame.readableBytes();
            frame.release();
            frame = ClientCodec.encodeResponse(channel.alloc(), new ClientResponse.Error(requestId, ErrorCode.TOO_LARGE,
                    "response of " + responseBytes + " bytes exceeds the " + maxFrameBytes + "-byte frame limit"));
        }
        channel.writeAndFlush(frame, channel.voidPromise());
        return true;
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }
}
