package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.net.SocketAddress;

/**
 * Splits the byte stream into frames, checks the header (length bounds, version, known type) as soon as its
 * bytes arrive rather than after buffering a body that garbage claims is gigabytes long, and hands the body
 * to the port's {@link FrameBodyDecoder}. Any failure raises a {@link FrameFormatException} naming what was
 * seen and where from; after one failure the rest of the stream is discarded, since there is no way to
 * find the next frame boundary, and the connection's handler closes it.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    private final int maxFrameBytes;
    private final FrameBodyDecoder bodyDecoder;
    private boolean failed;

    /** @param maxFrameBytes the largest whole frame accepted, length prefix included */
    public FrameDecoder(int maxFrameBytes, FrameBodyDecoder bodyDecoder) {
        super(maxFrameBytes, 0, WireFormat.LENGTH_FIELD_BYTES, 0, WireFormat.LENGTH_FIELD_BYTES, true);
        if (maxFrameBytes < WireFormat.HEADER_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes below the header size: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.bodyDecoder = bodyDecoder;
    }

    @Override
    protected Object decode(ChannelHandlerContext context, ByteBuf in) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        try {
            checkHeader(in);
            ByteBuf frame = (ByteBuf) super.decode(context, in);
            if (frame == null) return null;
            try {
                return decodeFrame(frame);
            } finally {
                frame.release();
            }
        } catch (FrameFormatException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e.from(describe(context.channel().remoteAddress()));
        }
    }

    /** Checks whatever part of the next frame's header has arrived. */
    private void checkHeader(ByteBuf in) {
        int start = in.readerIndex();
        if (in.readableBytes() >= WireFormat.LENGTH_FIELD_BYTES) {
            long length = in.getUnsignedInt(start);
            if (length + WireFormat.LENGTH_FIELD_BYTES > maxFrameBytes) {
                throw new FrameTooLargeException("frame length " + length + " exceeds the maximum of "
                        + (maxFrameBytes - WireFormat.LENGTH_FIELD_BYTES));
            }
            if (length < WireFormat.HEADER_BYTES - WireFormat.LENGTH_FIELD_BYTES) {
                throw new FrameFormatException("frame length " + length + " is shorter than a frame header");
            }
        }
        if (in.readableBytes() >= WireFormat.LENGTH_FIELD_BYTES + 1) {
            int version = in.getUnsignedByte(start + WireFormat.LENGTH_FIELD_BYTES);
            if (version != WireFormat.FRAME_VERSION) {
                throw new FrameFormatException("unsupported frame version " + version + " (expected "
                        + WireFormat.FRAME_VERSION + ")");
            }
        }
        if (in.readableBytes() >= WireFormat.HEADER_BYTES) {
            int code = in.getUnsignedByte(start + WireFormat.LENGTH_FIELD_BYTES + 1);
            if (FrameType.fromCode(code) == null) {
                throw new FrameFormatException(String.format("unknown frame type 0x%02x", code));
            }
        }
    }

    /** {@code frame} starts after the length prefix, at the version byte the header check already accepted. */
    private Object decodeFrame(ByteBuf frame) {
        frame.skipBytes(1);
        FrameType type = FrameType.fromCode(frame.readUnsignedByte());
        try {
            return bodyDecoder.decode(type, frame);
        } catch (IndexOutOfBoundsException e) {
            throw new FrameFormatException("truncated body of " + type + " frame (" + frame.capacity() + " bytes)");
        } catch (IllegalArgumentException e) {
            throw new FrameFormatException("invalid " + type + " frame: " + e.getMessage());
        } catch (FrameFormatException e) {
            if (e instanceof WrongPortException) throw e;
            throw new FrameFormatException(e.getMessage() + " (" + type + " frame)");
        }
    }

    static String describe(SocketAddress address) {
        return String.valueOf(address);
    }
}
