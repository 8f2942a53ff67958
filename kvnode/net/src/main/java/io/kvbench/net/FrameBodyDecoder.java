package io.kvbench.net;

import io.netty.buffer.ByteBuf;

/** Turns the body of one frame of a known type into a value; one per port. */
@FunctionalInterface
public interface FrameBodyDecoder {
    /**
     * Reads the whole of {@code body} (trailing bytes are an error). Throws {@link FrameFormatException} for a
     * body it cannot accept; running past the end of {@code body} is reported as a truncated frame.
     */
    Object decode(FrameType type, ByteBuf body);
}
