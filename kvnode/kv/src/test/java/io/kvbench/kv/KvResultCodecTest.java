package io.kvbench.kv;

import static io.kvbench.kv.LogDriver.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.kv.KvResult.CasResult;
import io.kvbench.kv.KvResult.KeptAlive;
import io.kvbench.kv.KvResult.Rejected;
import io.kvbench.kv.KvResult.SequenceTooOld;
import io.kvbench.kv.KvResult.SessionRegistered;
import io.kvbench.kv.KvResult.SessionUnknown;
import io.kvbench.kv.KvResult.TooManyPending;
import io.kvbench.kv.KvResult.Value;
import io.kvbench.kv.KvResult.Written;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The reply format: every result type survives the trip to the client and into snapshots. */
class KvResultCodecTest {

    static Stream<KvResult> everyResultType() {
        return Stream.of(
                new SessionRegistered(17),
                new Written(null),
                new Written(new byte[0]),
                new Written(bytes("previous")),
                new CasResult(true, bytes("now")),
                new CasResult(false, null),
                new Value(null),
                new Value(bytes("value")),
                new SessionUnknown(3),
                new SequenceTooOld(3, 4, 9),
                new TooManyPending(3, 64),
                new KeptAlive(),
                new Rejected("truncated at offset 3"));
    }

    @ParameterizedTest
    @MethodSource("everyResultType")
    void everyResultRoundTrips(KvResult result) {
        assertThat(KvResultCodec.decode(KvResultCodec.encode(result))).isEqualTo(result);
    }

    @Test
    void badBytesAreRefusedWithTheReason() {
        byte[] encoded = KvResultCodec.encode(new Written(bytes("v")));
        for (int length = 0; length < encoded.length; length++) {
            byte[] truncated = Arrays.copyOf(encoded, length);
            assertThatThrownBy(() -> KvResultCodec.decode(truncated))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("malformed result: truncated at offset");
        }
        byte[] unknownType = {(byte) KvResultCodec.VERSION, 77};
        assertThatThrownBy(() -> KvResultCodec.decode(unknownType)).hasMessageContaining("unknown result type byte 77");
        byte[] badBoolean = KvResultCodec.encode(new CasResult(true, null));
        badBoolean[2] = 2;
        assertThatThrownBy(() -> KvResultCodec.decode(badBoolean)).hasMessageContaining("swapped at offset 2 is 2");
    }
}
