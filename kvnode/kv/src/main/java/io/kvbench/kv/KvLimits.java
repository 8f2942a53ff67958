package io.kvbench.kv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Size limits for keys and values ("put a limit on everything", TIGER_STYLE), checked on encode and decode. */
public final class KvLimits {
    public static final int MAX_KEY_BYTES = 1024;
    public static final int MAX_VALUE_BYTES = 1024 * 1024;
    /** Bound on a Rejected reason; our own reasons are a line of text. */
    public static final int MAX_REASON_BYTES = 4096;

    private KvLimits() {}

    /**
     * The key's UTF-8 bytes, strictly encoded: an unpaired surrogate would otherwise become '?' and the
     * key would not round-trip.
     *
     * @throws IllegalArgumentException if the key is null, not valid Unicode, or longer than MAX_KEY_BYTES
     */
    public static byte[] keyBytes(String key) {
        if (key == null) throw new IllegalArgumentException("key is null");
        byte[] bytes = strictUtf8(key, "key");
        if (bytes.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key is " + bytes.length + " UTF-8 bytes, limit is " + MAX_KEY_BYTES);
        }
        return bytes;
    }

    /** @throws IllegalArgumentException if the value is longer than MAX_VALUE_BYTES (null is allowed) */
    public static void checkValue(byte[] value, String name) {
        if (value != null && value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException(name + " is " + value.length + " bytes, limit is " + MAX_VALUE_BYTES);
        }
    }

    static byte[] strictUtf8(String text, String name) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + " is not valid Unicode (unpaired surrogate?)");
        }
    }
}
