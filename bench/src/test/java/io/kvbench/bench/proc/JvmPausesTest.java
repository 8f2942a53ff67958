package io.kvbench.bench.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop-the-world time from HotSpot's perfdata files: a file laid out as HotSpot writes it, and this JVM's own. */
class JvmPausesTest {

    @Test
    void readsTheSafepointTimeInTicksOfTheHighResolutionClock(@TempDir Path folder) throws Exception {
        Files.write(folder.resolve("42"), perfData(ByteOrder.LITTLE_ENDIAN, Map.of("sun.rt.safepointTime", 3_000_000L,
                "sun.os.hrt.frequency", 1_000_000_000L, "sun.gc.collector.0.time", 1L)));
        Files.write(folder.resolve("50"), perfData(ByteOrder.BIG_ENDIAN, Map.of("sun.os.hrt.frequency", 1_000_000L,
                "sun.rt.safepointTime", 20_000L)));

        JvmPauses.Sample before = JvmPauses.sample(folder, Map.of("node1", 42L, "generator", 50L, "etcd", 77L));
        assertThat(before).isEqualTo(new JvmPauses.Sample(3_000_000L + 20_000_000L, true));

        Files.write(folder.resolve("42"), perfData(ByteOrder.LITTLE_ENDIAN, Map.of("sun.rt.safepointTime", 48_000_000L,
                "sun.os.hrt.frequency", 1_000_000_000L)));
        JvmPauses.Sample after = JvmPauses.sample(folder, Map.of("node1", 42L, "generator", 50L));

        assertThat(after.minus(before)).isEqualTo(new JvmPauses.Sample(45_000_000L, true));
    }

    @Test
    void aFileThatIsNotPerfDataOrAProcessWithoutOneIsLeftOut(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("42"), "not perfdata at all, but long enough to hold a prologue");
        byte[] truncated = perfData(ByteOrder.LITTLE_ENDIAN, Map.of("sun.rt.safepointTime", 5L, "sun.os.hrt.frequency", 10L));
        Files.write(folder.resolve("43"), java.util.Arrays.copyOf(truncated, 40));

        assertThat(JvmPauses.sample(folder, Map.of("a", 42L, "b", 43L, "c", 44L)).readable()).isFalse();
        assertThat(JvmPauses.Sample.UNREADABLE.minus(new JvmPauses.Sample(5, true)).readable()).isFalse();
    }

    /** The surefire JVM runs with perfdata (HotSpot's default): its file is where jstat would look. */
    @Test
    void thisJvmsOwnCountersAreReadable() {
        JvmPauses.Sample self = JvmPauses.sample(Map.of("self", ProcessHandle.current().pid()));

        assertThat(self.readable()).as("hsperfdata of this JVM in " + JvmPauses.defaultFolder()).isTrue();
        assertThat(self.stoppedNanos()).isNotNegative();
    }

    /** A version-2 perfdata file: prologue, then one entry per long counter (name, then the value 8-aligned). */
    static byte[] perfData(ByteOrder order, Map<String, Long> counters) {
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        for (Map.Entry<String, Long> counter : new LinkedHashMap<>(counters).entrySet()) {
            byte[] name = (counter.getKey() + "\0").getBytes(StandardCharsets.US_ASCII);
            int nameOffset = 20;
            int dataOffset = (nameOffset + name.length + 7) / 8 * 8;
            int length = dataOffset + 8;
            ByteBuffer entry = ByteBuffer.allocate(length).order(order);
            entry.putInt(0, length).putInt(4, nameOffset).putInt(8, 0).put(12, (byte) 'J').put(13, (byte) 0)
                    .put(14, (byte) 4).put(15, (byte) 3).putInt(16, dataOffset);
            entry.put(nameOffset, name).putLong(dataOffset, counter.getValue());
            entries.writeBytes(entry.array());
        }
        int entryOffset = 32;
        ByteBuffer file = ByteBuffer.allocate(entryOffset + entries.size());
        file.order(ByteOrder.BIG_ENDIAN).putInt(0, 0xcafec0c0);
        file.put(4, (byte) (order == ByteOrder.BIG_ENDIAN ? 0 : 1)).put(5, (byte) 2).put(6, (byte) 0).put(7, (byte) 1);
        file.order(order).putInt(8, file.capacity()).putInt(12, 0).putLong(16, 0).putInt(24, entryOffset)
                .putInt(28, counters.size());
        file.put(entryOffset, entries.toByteArray());
        return file.array();
    }
}
