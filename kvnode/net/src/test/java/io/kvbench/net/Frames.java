package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;

/** Runs bytes through a {@link FrameDecoder} in an {@link EmbeddedChannel}. */
final class Frames {
    static final ByteBufAllocator ALLOCATOR = ByteBufAllocator.DEFAULT;

    private Frames() {
    }

    static List<Object> decode(FrameBodyDecoder bodyDecoder, ByteBuf... buffers) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES, bodyDecoder));
        for (ByteBuf buffer : buffers) channel.writeInbound(buffer);
        List<Object> decoded = new ArrayList<>();
        for (Object value = channel.readInbound(); value != null; value = channel.readInbound()) decoded.add(value);
        channel.finishAndReleaseAll();
        return decoded;
    }

    static Object roundTrip(FrameBodyDecoder bodyDecoder, ByteBuf frame) {
        List<Object> decoded = decode(bodyDecoder, frame);
        if (decoded.size() != 1) throw new AssertionError("expected one frame, decoded " + decoded);
        return decoded.get(0);
    }

    /** {@code frame} cut into one-byte buffers, the worst case of TCP segmentation. */
    static ByteBuf[] oneByteAtATime(ByteBuf frame) {
        ByteBuf[] pieces = new ByteBuf[frame.readableBytes()];
        for (int i = 0; i < pieces.length; i++) pieces[i] = Unpooled.wrappedBuffer(new byte[]{frame.getByte(i)});
        frame.release();
        return pieces;
    }

    /** A frame header and body written by hand, for input no encoder would produce. */
    static ByteBuf handMade(int length, int version, int typeCode, byte[] body) {
        ByteBuf frame = Unpooled.buffer();
        frame.writeInt(length);
        frame.writeByte(version);
        frame.writeByte(typeCode);
        frame.writeBytes(body);
        return frame;
    }
}
