package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/** Frame header constants and the primitive field encodings every codec shares. */
public final class WireFormat {
    /** The frame format version this code writes and the only one it reads. */
    public static final int FRAME_VERSION = 1;
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Length prefix, version and type. */
    public static final int HEADER_BYTES = LENGTH_FIELD_BYTES + 2;
    public static final int DEFAULT_PEER_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_CLIENT_MAX_FRAME_BYTES = 2 * 1024 * 1024;

    private WireFormat() {
    }

    /** A buffer holding a frame header whose length is filled in by {@link #finishFrame}. */
    static ByteBuf startFrame(ByteBufAllocator allocator, FrameType type, int bodyBytesHint) {
        ByteBuf frame = allocator.buffer(HEADER_BYTES + bodyBytesHint);
        frame.writeInt(0);
        frame.writeByte(FRAME_VERSION);
        frame.writeByte(type.code());
        return frame;
    }

    static ByteBuf finishFrame(ByteBuf frame) {
        frame.setInt(0, frame.readableBytes() - LENGTH_FIELD_BYTES);
        return frame;
    }

    static int stringBytes(String value) {
        return 4 + ByteBufUtil.utf8Bytes(value);
    }

    static void writeString(ByteBuf out, String value) {
        out.writeInt(ByteBufUtil.utf8Bytes(value));
        out.writeCharSequence(value, StandardCharsets.UTF_8);
    }

    static void writeBytes(ByteBuf out, byte[] value) {
        out.writeInt(value.length);
        out.writeBytes(value);
    }

    static void writeBoolean(ByteBuf out, boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    static String readString(ByteBuf in, String field) {
        int length = readLength(in, field);
        String value = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    static byte[] readBytes(ByteBuf in, String field) {
        byte[] value = new byte[readLength(in, field)];
        in.readBytes(value);
        return value;
    }

    static byte[] readRemainingBytes(ByteBuf in) {
        byte[] value = new byte[in.readableBytes()];
        in.readBytes(value);
        return value;
    }

    static boolean readBoolean(ByteBuf in, String field) {
        int value = in.readUnsignedByte();
        if (value > 1) throw new FrameFormatException("boolean " + field + " is " + value + ", not 0 or 1");
        return value == 1;
    }

    /** A u32 byte count, checked against what is left of the frame so garbage cannot make us allocate. */
    static int readLength(ByteBuf in, String field) {
        long length = in.readUnsignedInt();
        if (length > in.readableBytes()) {
            throw new FrameFormatException("truncated body: " + field + " says " + length + " bytes but "
                    + in.readableBytes() + " remain");
        }
        return (int) length;
    }

    static void expectEnd(ByteBuf body, FrameType type) {
        if (body.isReadable()) {
            throw new FrameFormatException(body.readableBytes() + " unexpected trailing bytes in " + type + " frame");
        }
    }
}
