package io.kvbench.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.kv.KvCommand.Put;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A snapshot is as large as the state, so nodes write and read it as a stream through a fixed buffer: the bytes must be
 * exactly those of the in-memory form, values larger than the buffer included, and a damaged stream is refused.
 */
class SnapshotStreamTest {
    /** A state with values above and below the 64 KiB stream buffer. */
    private static KvStateMachine state() {
        LogDriver log = LogDriver.withAudit(8, 60_000, 64);
        long client = log.register();
        for (int i = 1; i <= 12; i++) {
            byte[] value = new byte[i % 3 == 0 ? 300_000 : 10 * i];
            Arrays.fill(value, (byte) i);
            log.submit(new Put(client, i, Math.max(1, i - 4), "key-" + i, value));
        }
        return log.machine;
    }

    @Test
    void streamedBytesAreTheInMemorySnapshotAndRestoreTheSameState() throws IOException {
        KvStateMachine machine = state();
        byte[] inMemory = machine.snapshot();
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        machine.snapshotTo(streamed);
        assertThat(streamed.toByteArray()).isEqualTo(inMemory);

        KvStateMachine restored = KvStateMachine.restore(new ByteArrayInputStream(inMemory));
        assertThat(restored.snapshot()).isEqualTo(inMemory);
        assertThat(restored.sizeBytes()).isEqualTo(machine.sizeBytes());
    }

    @Test
    void theWriterNeverBuffersMoreThanItsBufferBeyondOneValue() throws IOException {
        KvStateMachine machine = state();
        int[] largestWrite = {0};
        machine.snapshotTo(new OutputStream() {
            @Override
            public void write(int b) {
                largestWrite[0] = Math.max(largestWrite[0], 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                largestWrite[0] = Math.max(largestWrite[0], length);
            }
        });
        // Either a buffer's worth (64 KiB) or one value passed straight through: never the whole state.
        assertThat(largestWrite[0]).isLessThanOrEqualTo(300_000);
        assertThat(machine.snapshot().length).isGreaterThan(1_000_000);
    }

    @Test
    void aTruncatedOrExtendedStreamIsMalformed() {
        byte[] bytes = state().snapshot();
        assertThatThrownBy(() -> KvStateMachine.restore(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> KvStateMachine.restore(new ByteArrayInputStream(Arrays.copyOf(bytes, 700_000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> KvStateMachine.restore(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length + 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing bytes");
    }
}
