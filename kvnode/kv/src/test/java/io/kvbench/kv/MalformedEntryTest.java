package io.kvbench.kv;

import static io.kvbench.kv.LogDriver.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvResult.Rejected;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A committed entry that does not decode is answered with Rejected on every replica alike; it must never
 * throw (that would stop one replica and not others) and it changes nothing but the applied index.
 */
class MalformedEntryTest {

    @Test
    void garbageIsRejectedWithTheReasonAndChangesNothingButTheIndex() {
        LogDriver garbage = populated();
        LogDriver noop = populated();

        KvResult result = garbage.applyEncoded(new byte[] {(byte) KvCommandCodec.VERSION, 99, 0, 0});
        noop.skipIndex();

        assertThat(result).isInstanceOf(Rejected.class);
        assertThat(((Rejected) result).reason()).contains("unknown command type byte 99");
        assertThat(garbage.machine.snapshot()).isEqualTo(noop.machine.snapshot());
    }

    @Test
    void noGarbageEverThrows() {
        SplittableRandom random = new SplittableRandom(20240601);
        LogDriver log = populated();
        byte[] valid = KvCommandCodec.encode(new Put(1, 9, 9, "key", bytes("value")), 5);
        for (int i = 0; i < 20_000; i++) {
            byte[] entry = i % 2 == 0 ? randomBytes(random) : mutated(valid, random);
            KvResult result = log.applyEncoded(entry);
            assertThat(result).isNotNull();
        }
    }

    @Test
    void indicesMustStrictlyIncrease() {
        KvStateMachine machine = new KvStateMachine(4, 1_000, 8);
        machine.apply(5, KvCommandCodec.encode(new KvCommand.RegisterSession(), 0));

        assertThatThrownBy(() -> machine.apply(5, KvCommandCodec.encode(new KvCommand.Get("k"), 0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("entry index 5 does not follow last applied index 5");
        assertThatThrownBy(() -> machine.applyNoop(4)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> machine.apply(0, new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThat(machine.lastAppliedIndex()).isEqualTo(5);
    }

    private static LogDriver populated() {
        LogDriver log = LogDriver.withAudit(4, 1_000, 8).atLeaderTime(10);
        long client = log.register();
        log.submit(new Put(client, 1, 1, "key", bytes("value")));
        return log;
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] bytes = new byte[random.nextInt(64)];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) random.nextInt(256);
        if (bytes.length > 0 && random.nextBoolean()) bytes[0] = (byte) KvCommandCodec.VERSION;
        return bytes;
    }

    private static byte[] mutated(byte[] valid, SplittableRandom random) {
        byte[] bytes = Arrays.copyOf(valid, random.nextInt(valid.length + 4));
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips && bytes.length > 0; i++) bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        return bytes;
    }
}
