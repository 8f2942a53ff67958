package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Splits the byte stream into frames, checks the header (length bounds, version, known type) as soon as its
 * bytes arrive rather than after buffering a body that garbage claims is gigabytes long, and hands the body
 * to the port's {@link FrameBodyDecoder}. Any failure raises a {@link FrameFormatException} naming what was
 * seen and where from; after one failure the rest of the stream is discarded, since there is no way to
 * find the next frame boundary, and the connection's handler closes it.
 *
 * <p>On a server port it also enforces the port's {@link PortLimits}: a frame larger than
 * {@link #UNBUDGETED_FRAME_BYTES} reserves its whole length from the port's {@link InboundBudget} when its length
 * prefix arrives (before its body is buffered), and its buffer is then allocated once at that length rather than
 * grown by doubling, so the reservation is what it holds; a frame that cannot reserve, or is not complete within the
 * frame timeout of its first byte, raises an {@link InboundRefusedException}. A reservation is released when its
 * frame is complete or when the connection's buffer is freed (the connection closed, this decoder removed), never
 * while the bytes it stands for are still held: a refused connection keeps its buffer until it closes, up to
 * {@link ConnectionFailure#LINGER_MILLIS} later, and its place in the budget with it.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    /**
     * Frames up to this size are read without a reservation: about what one socket read brings (Netty reads up to
     * 64 KiB at a time), and far above a heartbeat, a vote or a small write. Requests and appends carrying values of
     * kilobytes to megabytes are budgeted.
     */
    public static final int UNBUDGETED_FRAME_BYTES = 64 * 1024;

    private final FrameBodyDecoder bodyDecoder;
    /** Null: no budget (a client's side of a connection, or a test). */
    private final InboundBudget budget;
    /** 0: no deadline. */
    private final long frameTimeoutMillis;
    private int maxFrameBytes;
    private boolean failed;
    /** Bytes reserved for the frame being received, 0 when none. */
    private long reservedBytes;
    private ScheduledFuture<?> frameDeadline;
    /** Frames completed so far: a deadline set for one frame does nothing once that frame is done. */
    private long completedFrames;

    /** @param maxFrameBytes the largest whole frame accepted, length prefix included */
    public FrameDecoder(int maxFrameBytes, FrameBodyDecoder bodyDecoder) {
        this(maxFrameBytes, bodyDecoder, null, 0);
    }

    /**
     * @param budget             what unfinished frames above {@link #UNBUDGETED_FRAME_BYTES} reserve; null for none
     * @param frameTimeoutMillis how long after its first byte a frame must be complete; 0 for no limit
     */
    FrameDecoder(int maxFrameBytes, FrameBodyDecoder bodyDecoder, InboundBudget budget, long frameTimeoutMillis) {
        requireAboveHeader(maxFrameBytes);
        if (frameTimeoutMillis < 0) throw new IllegalArgumentException("negative frame timeout " + frameTimeoutMillis);
        this.maxFrameBytes = maxFrameBytes;
        this.bodyDecoder = bodyDecoder;
        this.budget = budget;
        this.frameTimeoutMillis = frameTimeoutMillis;
        setCumulator(this::cumulate);
    }

    /**
     * Changes the frame limit for what follows: a peer connection may send only small frames until its handshake is
     * accepted. Event loop only.
     */
    void maxFrameBytes(int bytes) {
        requireAboveHeader(bytes);
        maxFrameBytes = bytes;
    }

    int maxFrameBytes() {
        return maxFrameBytes;
    }

    private static void requireAboveHeader(int maxFrameBytes) {
        if (maxFrameBytes < WireFormat.HEADER_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes below the header size: " + maxFrameBytes);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            checkHeader(in);
            if (in.readableBytes() >= WireFormat.LENGTH_FIELD_BYTES) {
                int frameBytes = (int) (in.getUnsignedInt(in.readerIndex()) + WireFormat.LENGTH_FIELD_BYTES);
                if (in.readableBytes() >= frameBytes) {
                    ByteBuf frame = in.readSlice(frameBytes);
                    frameCompleted();
                    out.add(decodeFrame(frame.skipBytes(WireFormat.LENGTH_FIELD_BYTES)));
                    return;
                }
                reserve(context, frameBytes);
            }
            startDeadline(context);
        } catch (FrameFormatException e) {
            fail(in);
            throw e.from(describe(context.channel().remoteAddress()));
        } catch (InboundRefusedException e) {
            fail(in);
            throw e;
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
        int frameBytes = frame.readableBytes();
        frame.skipBytes(1);
        FrameType type = FrameType.fromCode(frame.readUnsignedByte());
        try {
            return bodyDecoder.decode(type, frame);
        } catch (IndexOutOfBoundsException e) {
            throw new FrameFormatException("truncated body of " + type + " frame (" + frameBytes + " bytes)");
        } catch (IllegalArgumentException e) {
            throw new FrameFormatException("invalid " + type + " frame: " + e.getMessage());
        } catch (FrameFormatException e) {
            if (e instanceof WrongPortException) throw e;
            throw new FrameFormatException(e.getMessage() + " (" + type + " frame)");
        }
    }

    /** A frame of {@code frameBytes} has begun and is not complete: reserve its length if it is a large one. */
    private void reserve(ChannelHandlerContext context, int frameBytes) {
        if (budget == null || frameBytes <= UNBUDGETED_FRAME_BYTES || reservedBytes > 0) return;
        if (!budget.tryReserve(frameBytes)) {
            throw new InboundRefusedException(Refusal.BUFFER_BUDGET, "a frame of " + frameBytes + " bytes from "
                    + describe(context.channel().remoteAddress()) + " does not fit: " + budget.reservedBytes() + " of "
                    + budget.limitBytes() + " bytes of the port's budget for unfinished frames are taken");
        }
        reservedBytes = frameBytes;
    }

    private void startDeadline(ChannelHandlerContext context) {
        if (frameTimeoutMillis == 0 || frameDeadline != null) return;
        long frame = completedFrames;
        frameDeadline = context.executor().schedule(() -> {
            if (failed || completedFrames != frame || !context.channel().isActive()) return;
            failed = true; // the buffered part stays held, and reserved, until the connection closes
            context.fireExceptionCaught(new InboundRefusedException(Refusal.FRAME_TIMEOUT, "a frame from "
                    + describe(context.channel().remoteAddress()) + " was not complete " + frameTimeoutMillis
                    + " ms after its first byte (" + actualReadableBytes() + " bytes had arrived)"));
        }, frameTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void frameCompleted() {
        completedFrames++;
        if (frameDeadline != null) {
            frameDeadline.cancel(false);
            frameDeadline = null;
        }
        releaseReservation();
    }

    private void releaseReservation() {
        if (reservedBytes > 0) {
            budget.release(reservedBytes);
            reservedBytes = 0;
        }
    }

    /** The skipped bytes stay in the buffer's memory until the connection closes: so does their reservation. */
    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
        if (frameDeadline != null) frameDeadline.cancel(false);
    }

    /**
     * For a budgeted frame, grows the buffer once to the frame's whole length (the reservation) instead of doubling
     * it as the bytes arrive, which copies and, for a moment, holds twice as much. Otherwise Netty's usual merge.
     */
    private ByteBuf cumulate(ByteBufAllocator allocator, ByteBuf cumulation, ByteBuf in) {
        if (reservedBytes == 0 || !cumulation.isReadable() || in.readableBytes() <= cumulation.writableBytes()) {
            return MERGE_CUMULATOR.cumulate(allocator, cumulation, in);
        }
        try {
            int needed = cumulation.readableBytes() + in.readableBytes();
            ByteBuf grown = allocator.buffer((int) Math.max(needed, reservedBytes));
            grown.writeBytes(cumulation);
            grown.writeBytes(in);
            cumulation.release();
            return grown;
        } finally {
            in.release();
        }
    }

    /** An unfinished frame at the end of the stream is dropped; it reserves nothing more. */
    @Override
    protected void decodeLast(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        in.skipBytes(in.readableBytes());
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        try {
            super.channelInactive(context);
        } finally {
            stopLimits();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext context) {
        stopLimits();
    }

    private void stopLimits() {
        if (frameDeadline != null) {
            frameDeadline.cancel(false);
            frameDeadline = null;
        }
        releaseReservation();
    }

    static String describe(SocketAddress address) {
        return String.valueOf(address);
    }
}
