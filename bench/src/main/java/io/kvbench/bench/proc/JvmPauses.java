package io.kvbench.bench.proc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * How long each JVM of a run had all its Java threads stopped (safepoints: garbage collections and the VM's other
 * stop-the-world operations), read from the JVM's own performance counters, the memory-mapped file {@code
 * <tmp>/hsperfdata_<user>/<pid>} that {@code jstat} reads: {@code sun.rt.safepointTime} in ticks of {@code
 * sun.os.hrt.frequency}. No agent, no request to the process, works for the nodes and the generator alike.
 *
 * <p>Why: issue 19's open-loop tails. A node that stops for 20-45 ms (G1 young pauses on two shared cores, measured
 * with {@code -Xlog:gc}) holds every write that needs it, and a generator that stops sends late, which its own
 * latency from the intended send time then counts; per interval beside the percentiles ({@code timeseries.csv}) the
 * seconds whose tail a pause made can be told from the rest.
 *
 * <p>The file is the HotSpot perfdata format version 2 (big-endian magic {@code 0xcafec0c0}, then the byte order of
 * the rest, a prologue and named entries; {@code sun.jvmstat.perfdata.monitor.v2_0}). A JVM started with {@code
 * -XX:-UsePerfData} or {@code -XX:+PerfDisableSharedMem} has no file: it is left out and the reading says whether
 * any process could be read.
 */
public final class JvmPauses {
    static final String SAFEPOINT_TIME = "sun.rt.safepointTime";
    static final String TICKS_PER_SECOND = "sun.os.hrt.frequency";
    private static final int MAGIC = 0xcafec0c0;

    /** Summed over the processes that could be read: nanoseconds stopped since each started. */
    public record Sample(long stoppedNanos, boolean readable) {
        public static final Sample UNREADABLE = new Sample(0, false);

        public Sample minus(Sample earlier) {
            if (!readable || !earlier.readable) return UNREADABLE;
            return new Sample(Math.max(0, stoppedNanos - earlier.stoppedNanos), true);
        }
    }

    private JvmPauses() {
    }

    /** The JVMs among {@code pidsByName}, in this user's hsperfdata folder. */
    public static Sample sample(Map<String, Long> pidsByName) {
        return sample(defaultFolder(), pidsByName);
    }

    public static Sample sample(Path perfDataFolder, Map<String, Long> pidsByName) {
        long stopped = 0;
        boolean readable = false;
        for (long pid : pidsByName.values()) {
            Long nanos = stoppedNanos(perfDataFolder.resolve(Long.toString(pid)));
            if (nanos == null) continue;
            stopped += nanos;
            readable = true;
        }
        return readable ? new Sample(stopped, true) : Sample.UNREADABLE;
    }

    /**
     * /tmp/hsperfdata_{@code user.name}: HotSpot on Linux writes it under /tmp whatever {@code java.io.tmpdir} says
     * (os::get_temp_directory), so a JVM started with another tmpdir is still found.
     */
    static Path defaultFolder() {
        return Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"));
    }

    /** The process's safepoint time in ns, or null when its file is missing or not a perfdata file this reads. */
    static Long stoppedNanos(Path file) {
        try {
            Map<String, Long> counters = longCounters(ByteBuffer.wrap(Files.readAllBytes(file)));
            Long ticks = counters.get(SAFEPOINT_TIME);
            Long frequency = counters.get(TICKS_PER_SECOND);
            if (ticks == null || frequency == null || frequency <= 0) return null;
            return Math.round(ticks * (1e9 / frequency));
        } catch (IOException | RuntimeException e) {
            return null; // gone, unreadable, or being written as it was read (a half-written entry is skipped too)
        }
    }

    /**
     * Every scalar long counter ({@code 'J'}, vector length 0) by name. Prologue: magic (4, big-endian), byte order (1:
     * 0 big, 1 little), major and minor version, accessible flag, used, overflow, modification time stamp (8), entry
     * offset, entry count. Entry: length, name offset, vector length, type (1), flags, units, variability, data offset;
     * offsets from the entry's start.
     */
    static Map<String, Long> longCounters(ByteBuffer buffer) {
        if (buffer.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC) throw new IllegalArgumentException("not a perfdata file");
        buffer.order(buffer.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (buffer.get(5) != 2) throw new IllegalArgumentException("perfdata version " + buffer.get(5) + ", not 2");
        int entry = buffer.getInt(24);
        int entries = buffer.getInt(28);
        Map<String, Long> counters = new HashMap<>();
        for (int index = 0; index < entries && entry + 20 <= buffer.limit(); index++) {
            int length = buffer.getInt(entry);
            if (length <= 0 || entry + length > buffer.limit()) break;
            int nameOffset = buffer.getInt(entry + 4);
            int vectorLength = buffer.getInt(entry + 8);
            byte type = buffer.get(entry + 12);
            int dataOffset = buffer.getInt(entry + 16);
            if (type == 'J' && vectorLength == 0 && dataOffset + 8 <= length) {
                counters.put(name(buffer, entry + nameOffset, entry + length), buffer.getLong(entry + dataOffset));
            }
            entry += length;
        }
        return counters;
    }

    private static String name(ByteBuffer buffer, int start, int end) {
        int stop = start;
        while (stop < end && buffer.get(stop) != 0) stop++;
        byte[] bytes = new byte[stop - start];
        buffer.get(start, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
