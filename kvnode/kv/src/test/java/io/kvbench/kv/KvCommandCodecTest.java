package io.kvbench.kv;

import static io.kvbench.kv.LogDriver.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.kv.KvCommand.Cas;
import io.kvbench.kv.KvCommand.Delete;
import io.kvbench.kv.KvCommand.Get;
import io.kvbench.kv.KvCommand.KeepAlive;
import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvCommand.RegisterSession;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The entry format: versioned, typed, length-prefixed, and never trusted when decoding. */
class KvCommandCodecTest {
    private static final long LEADER_TIME_MILLIS = 1_700_000_000_123L;

    static Stream<KvCommand> everyCommandType() {
        return Stream.of(
                new RegisterSession(),
                new RegisterSession(0x5eed_0000_0000_0001L),
                new RegisterSession(-1),
                new Put(7, 3, 2, "key", bytes("value")),
                new Put(7, 3, 3, "", new byte[0]),
                new Put(Long.MAX_VALUE, Long.MAX_VALUE, 1, "ключ-🔑", new byte[KvLimits.MAX_VALUE_BYTES]),
                new Delete(7, 4, 1, "key"),
                new Cas(7, 5, 5, "key", bytes("old"), bytes("new")),
                new Cas(7, 5, 5, "key", null, bytes("new")),
                new Cas(7, 5, 5, "key", bytes("old"), null),
                new Cas(7, 5, 5, "key", null, null),
                new Cas(7, 5, 5, "key", new byte[0], new byte[0]),
                new Get("key"),
                new Get("k".repeat(KvLimits.MAX_KEY_BYTES)),
                new KeepAlive(7));
    }

    @ParameterizedTest
    @MethodSource("everyCommandType")
    void everyCommandRoundTripsWithItsLeaderTime(KvCommand command) {
        ProposedCommand decoded = KvCommandCodec.decode(KvCommandCodec.encode(command, LEADER_TIME_MILLIS));

        assertThat(decoded).isEqualTo(new ProposedCommand(LEADER_TIME_MILLIS, command));
    }

    @Test
    void nullAndEmptyAreEncodedDistinctly() {
        byte[] withNull = KvCommandCodec.encode(new Cas(1, 1, 1, "k", null, bytes("v")), 0);
        byte[] withEmpty = KvCommandCodec.encode(new Cas(1, 1, 1, "k", new byte[0], bytes("v")), 0);

        assertThat(withNull).isNotEqualTo(withEmpty);
        assertThat(((Cas) KvCommandCodec.decode(withNull).command()).expected()).isNull();
        assertThat(((Cas) KvCommandCodec.decode(withEmpty).command()).expected()).isEmpty();
    }

    @Test
    void theFormatIsBigEndianWithVersionThenType() {
        byte[] encoded = KvCommandCodec.encode(new ProposedCommand(0x1112131415161718L, 0x2122232425262728L,
                new KeepAlive(0x0102030405060708L)));

        ByteBuffer expected = ByteBuffer.allocate(26)
                .put((byte) KvCommandCodec.VERSION).put((byte) KvCommandCodec.TYPE_KEEP_ALIVE)
                .putLong(0x1112131415161718L).putLong(0x2122232425262728L).putLong(0x0102030405060708L);
        assertThat(encoded).isEqualTo(expected.array());
    }

    @Test
    void anUnknownVersionIsNamed() {
        byte[] encoded = KvCommandCodec.encode(new RegisterSession(), 0);
        encoded[0] = 9;
        assertMalformed(encoded, "unsupported command version 9");
    }

    @Test
    void aRegistrationWithoutAnIdIsTheHeaderAloneAndTypeSevenCarriesTheId() {
        // A registration without an id is type 1 and the header alone (version, type, leader time, quota), as before
        // registration ids; type 7 adds the id after the header.
        assertThat(KvCommandCodec.encode(new RegisterSession(), 0)).hasSize(18);
        byte[] withId = KvCommandCodec.encode(new RegisterSession(42), 0);
        assertThat(withId).hasSize(26);
        assertThat(withId[1]).isEqualTo((byte) 7);
        byte[] zeroId = withId.clone();
        java.nio.ByteBuffer.wrap(zeroId).putLong(18, 0);
        assertMalformed(zeroId, "registrationId 0");
    }

    @Test
    void aVersionOneCommandFromAnOlderLogDecodesWithoutAQuota() {
        byte[] current = KvCommandCodec.encode(new Put(7, 3, 1, "k", new byte[] {1, 2}), 1234);
        // Version 1: the same bytes without the 8 of quotaBytes after leaderTimeMillis.
        byte[] versionOne = new byte[current.length - 8];
        System.arraycopy(current, 0, versionOne, 0, 10);
        System.arraycopy(current, 18, versionOne, 10, current.length - 18);
        versionOne[0] = 1;
        ProposedCommand decoded = KvCommandCodec.decode(versionOne);
        assertThat(decoded.leaderTimeMillis()).isEqualTo(1234);
        assertThat(decoded.quotaBytes()).isEqualTo(ProposedCommand.NO_QUOTA);
        assertThat(decoded.command()).isEqualTo(KvCommandCodec.decode(current).command());
    }

    @Test
    void anUnknownTypeByteIsNamed() {
        byte[] encoded = KvCommandCodec.encode(new RegisterSession(), 0);
        encoded[1] = (byte) 200;
        assertMalformed(encoded, "unknown command type byte 200");
    }

    @Test
    void everyTruncationSaysWhereItStopped() {
        byte[] encoded = KvCommandCodec.encode(new Cas(7, 5, 5, "key", bytes("old"), bytes("new")), 1);
        for (int length = 0; length < encoded.length; length++) {
            assertMalformed(Arrays.copyOf(encoded, length), "truncated at offset ");
        }
    }

    @Test
    void aLengthAboveTheLimitIsRefusedBeforeAllocating() {
        byte[] encoded = KvCommandCodec.encode(new Get("k"), 0);
        ByteBuffer.wrap(encoded).putInt(18, Integer.MAX_VALUE);
        assertMalformed(encoded, "key length too large at offset 18: 2147483647 bytes, limit is 1024");

        byte[] put = KvCommandCodec.encode(new Put(1, 1, 1, "k", bytes("v")), 0);
        ByteBuffer.wrap(put).putInt(put.length - 5, KvLimits.MAX_VALUE_BYTES + 1);
        assertMalformed(put, "value length too large");
    }

    @Test
    void aNegativeLengthIsRefused() {
        byte[] encoded = KvCommandCodec.encode(new Get("k"), 0);
        ByteBuffer.wrap(encoded).putInt(18, -2);
        assertMalformed(encoded, "key length at offset 18 is negative: -2");
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] encoded = KvCommandCodec.encode(new KeepAlive(1), 0);
        assertMalformed(Arrays.copyOf(encoded, encoded.length + 3), "3 trailing bytes after command at offset 26");
    }

    @Test
    void aKeyThatIsNotUtf8IsRefused() {
        byte[] encoded = KvCommandCodec.encode(new Get("ab"), 0);
        encoded[encoded.length - 1] = (byte) 0xFF;
        assertMalformed(encoded, "key at offset 18 is not valid UTF-8");
    }

    @Test
    void fieldsThatBreakACommandsRulesAreRefused() {
        byte[] encoded = KvCommandCodec.encode(new Put(1, 5, 5, "k", bytes("v")), 0);
        ByteBuffer.wrap(encoded).putLong(34, 6); // firstUnackedSeq 6 > seq 5
        assertMalformed(encoded, "firstUnackedSeq must be in [1, seq=5]");

        byte[] keepAlive = KvCommandCodec.encode(new KeepAlive(1), 0);
        ByteBuffer.wrap(keepAlive).putLong(18, 0);
        assertMalformed(keepAlive, "clientId must be positive: 0");
    }

    @Test
    void aNegativeLeaderTimeIsRefused() {
        byte[] encoded = KvCommandCodec.encode(new RegisterSession(), 0);
        ByteBuffer.wrap(encoded).putLong(2, -1);
        assertMalformed(encoded, "leaderTimeMillis is negative: -1");
    }

    @Test
    void aNegativeQuotaIsRefused() {
        byte[] encoded = KvCommandCodec.encode(new RegisterSession(), 0);
        ByteBuffer.wrap(encoded).putLong(10, -1);
        assertMalformed(encoded, "quotaBytes is negative: -1");
    }

    @Test
    void nullAndEmptyInputAreMalformed() {
        assertMalformed(null, "command bytes are null");
        assertMalformed(new byte[0], "truncated at offset 0: version needs 1 bytes, 0 remain");
    }

    @Test
    void encodingRefusesKeysAndValuesOverTheLimits() {
        assertThatThrownBy(() -> KvCommandCodec.encode(new Get("k".repeat(KvLimits.MAX_KEY_BYTES + 1)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key is 1025 UTF-8 bytes, limit is 1024");
        // 342 three-byte characters: under the limit in chars, over it in UTF-8 bytes.
        assertThatThrownBy(() -> KvCommandCodec.encode(new Get("€".repeat(342)), 0))
                .hasMessage("key is 1026 UTF-8 bytes, limit is 1024");
        assertThatThrownBy(() -> KvCommandCodec.encode(
                new Put(1, 1, 1, "k", new byte[KvLimits.MAX_VALUE_BYTES + 1]), 0))
                .hasMessage("value is 1048577 bytes, limit is 1048576");
        assertThatThrownBy(() -> KvCommandCodec.encode(
                new Cas(1, 1, 1, "k", new byte[KvLimits.MAX_VALUE_BYTES + 1], null), 0))
                .hasMessage("expected value is 1048577 bytes, limit is 1048576");
        assertThatThrownBy(() -> KvCommandCodec.encode(new Get("\uD800"), 0))
                .hasMessageContaining("key is not valid Unicode");
    }

    @ParameterizedTest
    @MethodSource("everyCommandType")
    void stampingTheLeaderTimeAndQuotaGivesTheBytesOfEncodingWithThem(KvCommand command) {
        byte[] fromClient = KvCommandCodec.encode(command, 0);

        byte[] stamped = KvCommandCodec.withLeaderStamp(fromClient, LEADER_TIME_MILLIS, 1 << 20);

        ProposedCommand expected = new ProposedCommand(LEADER_TIME_MILLIS, 1 << 20, command);
        assertThat(stamped).isEqualTo(KvCommandCodec.encode(expected));
        assertThat(KvCommandCodec.decode(stamped)).isEqualTo(expected);
        assertThat(fromClient).as("the client's bytes are left alone").isEqualTo(KvCommandCodec.encode(command, 0));
    }

    @Test
    void stampingRefusesANegativeTimeOrQuotaAndBytesWithoutTheFields() {
        byte[] encoded = KvCommandCodec.encode(new RegisterSession(), 0);
        assertThatThrownBy(() -> KvCommandCodec.withLeaderStamp(encoded, -1, 0)).hasMessage("leaderTimeMillis is negative: -1");
        assertThatThrownBy(() -> KvCommandCodec.withLeaderStamp(encoded, 1, -1)).hasMessage("quotaBytes is negative: -1");
        assertThatThrownBy(() -> KvCommandCodec.withLeaderStamp(new byte[17], 1, 0))
                .hasMessage("a command of 17 bytes has no leader stamp fields");
    }

    private static void assertMalformed(byte[] bytes, String messagePart) {
        assertThatThrownBy(() -> KvCommandCodec.decode(bytes))
                .isInstanceOf(MalformedCommandException.class)
                .hasMessageContaining(messagePart);
    }
}
