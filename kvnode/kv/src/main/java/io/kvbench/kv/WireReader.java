package io.kvbench.kv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Big-endian reader that never trusts its input: every read checks the bytes remaining and every length
 * its limit, and failures name the field and the offset. The caller picks the exception type. Reads an array, or a
 * stream through a fixed buffer (a snapshot of any size is read with bounded memory; I/O errors surface as
 * UncheckedIOException).
 */
final class WireReader {
    private static final int STREAM_BUFFER_BYTES = 64 * 1024;

    private byte[] buffer;
    private final Function<String, RuntimeException> malformed;
    /** Null when reading an array. */
    private final InputStream source;
    private int position;
    private int limit;
    /** Bytes consumed before {@code buffer[0]}: the offset of the buffer's start in the input. */
    private long bufferStartOffset;
    private boolean sourceAtEnd;

    WireReader(byte[] bytes, Function<String, RuntimeException> malformed) {
        this.buffer = bytes;
        this.limit = bytes.length;
        this.malformed = malformed;
        this.source = null;
    }

    WireReader(InputStream source, Function<String, RuntimeException> malformed) {
        this.buffer = new byte[STREAM_BUFFER_BYTES];
        this.malformed = malformed;
        this.source = source;
    }

    long offset() {
        return bufferStartOffset + position;
    }

    /** Bytes left in an array; for a stream, what is buffered now (use {@link #requireFullyRead} for the end). */
    int remaining() {
        return limit - position;
    }

    RuntimeException malformed(String message) {
        return malformed.apply(message);
    }

    int readUnsignedByte(String field) {
        require(1, field);
        return buffer[position++] & 0xFF;
    }

    boolean readBoolean(String field) {
        long at = offset();
        int value = readUnsignedByte(field);
        if (value > 1) throw malformed(field + " at offset " + at + " is " + value + ", expected 0 or 1");
        return value == 1;
    }

    int readInt(String field) {
        require(4, field);
        int value = 0;
        for (int i = 0; i < 4; i++) value = (value << 8) | (buffer[position++] & 0xFF);
        return value;
    }

    long readLong(String field) {
        require(8, field);
        long value = 0;
        for (int i = 0; i < 8; i++) value = (value << 8) | (buffer[position++] & 0xFF);
        return value;
    }

    /** Length-prefixed bytes where length -1 means null. */
    byte[] readNullableBytes(String field, int maxBytes) {
        long at = offset();
        int length = readInt(field + " length");
        if (length == WireWriter.NULL_LENGTH) return null;
        return readBody(field, at, length, maxBytes);
    }

    byte[] readBytes(String field, int maxBytes) {
        long at = offset();
        int length = readInt(field + " length");
        return readBody(field, at, length, maxBytes);
    }

    /** Length-prefixed UTF-8, decoded strictly so that only one byte sequence reads as a given string. */
    String readString(String field, int maxBytes) {
        long at = offset();
        byte[] utf8 = readBytes(field, maxBytes);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(field + " at offset " + at + " is not valid UTF-8");
        }
    }

    void requireFullyRead(String what) {
        if (source != null && remaining() == 0) fill(1);
        if (remaining() != 0) {
            String count = source == null ? remaining() + " trailing bytes" : "trailing bytes";
            throw malformed(count + " after " + what + " at offset " + offset());
        }
    }

    private byte[] readBody(String field, long lengthOffset, int length, int maxBytes) {
        if (length < 0) {
            throw malformed(field + " length at offset " + lengthOffset + " is negative: " + length);
        }
        if (length > maxBytes) {
            throw malformed(field + " length too large at offset " + lengthOffset + ": " + length
                    + " bytes, limit is " + maxBytes);
        }
        byte[] body = new byte[length];
        if (source == null || length <= buffer.length) {
            require(length, field);
            System.arraycopy(buffer, position, body, 0, length);
            position += length;
            return body;
        }
        // Larger than the stream buffer: what is buffered, then the rest straight from the stream.
        int buffered = remaining();
        System.arraycopy(buffer, position, body, 0, buffered);
        bufferStartOffset += limit;
        position = 0;
        limit = 0;
        int read = readFromSource(body, buffered, length - buffered);
        bufferStartOffset += read;
        if (buffered + read < length) {
            throw malformed("truncated at offset " + offset() + ": " + field + " needs " + length + " bytes, "
                    + (buffered + read) + " remain");
        }
        return body;
    }

    private void require(int count, String field) {
        if (remaining() < count && source != null) fill(count);
        if (remaining() < count) {
            throw malformed("truncated at offset " + offset() + ": " + field + " needs " + count
                    + " bytes, " + remaining() + " remain");
        }
    }

    /** Streaming: moves the unread bytes to the buffer's start and reads until {@code count} are buffered or the end. */
    private void fill(int count) {
        if (sourceAtEnd) return;
        int unread = remaining();
        System.arraycopy(buffer, position, buffer, 0, unread);
        bufferStartOffset += position;
        position = 0;
        limit = unread;
        while (limit < count && !sourceAtEnd) {
            int read = readFromSource(buffer, limit, buffer.length - limit);
            if (read == 0) sourceAtEnd = true;
            limit += read;
        }
    }

    /** Reads up to {@code length} bytes, fewer only at the end of the stream. */
    private int readFromSource(byte[] into, int at, int length) {
        try {
            int total = source.readNBytes(into, at, length);
            if (total < length) sourceAtEnd = true;
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
