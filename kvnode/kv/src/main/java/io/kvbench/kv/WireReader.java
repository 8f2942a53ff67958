package io.kvbench.kv;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Big-endian reader that never trusts its input: every read checks the bytes remaining and every length
 * its limit, and failures name the field and the offset. The caller picks the exception type.
 */
final class WireReader {
    private final byte[] bytes;
    private final Function<String, RuntimeException> malformed;
    private int offset;

    WireReader(byte[] bytes, Function<String, RuntimeException> malformed) {
        this.bytes = bytes;
        this.malformed = malformed;
    }

    int offset() {
        return offset;
    }

    int remaining() {
        return bytes.length - offset;
    }

    RuntimeException malformed(String message) {
        return malformed.apply(message);
    }

    int readUnsignedByte(String field) {
        require(1, field);
        return bytes[offset++] & 0xFF;
    }

    boolean readBoolean(String field) {
        int at = offset;
        int value = readUnsignedByte(field);
        if (value > 1) throw malformed(field + " at offset " + at + " is " + value + ", expected 0 or 1");
        return value == 1;
    }

    int readInt(String field) {
        require(4, field);
        int value = 0;
        for (int i = 0; i < 4; i++) value = (value << 8) | (bytes[offset++] & 0xFF);
        return value;
    }

    long readLong(String field) {
        require(8, field);
        long value = 0;
        for (int i = 0; i < 8; i++) value = (value << 8) | (bytes[offset++] & 0xFF);
        return value;
    }

    /** Length-prefixed bytes where length -1 means null. */
    byte[] readNullableBytes(String field, int maxBytes) {
        int at = offset;
        int length = readInt(field + " length");
        if (length == WireWriter.NULL_LENGTH) return null;
        return readBody(field, at, length, maxBytes);
    }

    byte[] readBytes(String field, int maxBytes) {
        int at = offset;
        int length = readInt(field + " length");
        return readBody(field, at, length, maxBytes);
    }

    /** Length-prefixed UTF-8, decoded strictly so that only one byte sequence reads as a given string. */
    String readString(String field, int maxBytes) {
        int at = offset;
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
        if (remaining() != 0) {
            throw malformed(remaining() + " trailing bytes after " + what + " at offset " + offset);
        }
    }

    private byte[] readBody(String field, int lengthOffset, int length, int maxBytes) {
        if (length < 0) {
            throw malformed(field + " length at offset " + lengthOffset + " is negative: " + length);
        }
        if (length > maxBytes) {
            throw malformed(field + " length too large at offset " + lengthOffset + ": " + length
                    + " bytes, limit is " + maxBytes);
        }
        require(length, field);
        byte[] body = new byte[length];
        System.arraycopy(bytes, offset, body, 0, length);
        offset += length;
        return body;
    }

    private void require(int count, String field) {
        if (remaining() < count) {
            throw malformed("truncated at offset " + offset + ": " + field + " needs " + count
                    + " bytes, " + remaining() + " remain");
        }
    }
}
