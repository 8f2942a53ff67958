package io.kvbench.node;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Where a write's time goes inside the nodes, as cumulative HdrHistograms in microseconds (etcd's
 * {@code wal_fsync_duration_seconds} and friends, in the same spirit). A benchmark reads them before and after a
 * measurement and subtracts ({@code bench}'s {@code NodeLatency}), so the figures cover its own span:
 * <ul>
 *   <li>{@code walCommitMicros}: one WAL commit on the WAL thread, from the first write of its group to the return of
 *       its last fsync. What the writes of that group waited for the disk; under load a group holds many writes.</li>
 *   <li>{@code leaderWriteMicros}: on the leader, from a client's write reaching the core to its reply being written
 *       (replication to a majority, the leader's own fsync, apply). The client's latency less this is the network
 *       and the two ends' stacks.</li>
 * </ul>
 * Recorded from the WAL thread and the core thread; read from any thread (each histogram is synchronized). Exported
 * in the node's status JSON as HdrHistogram's compressed encoding in base64, encoded when a status is written.
 */
public final class NodeLatencies {
    /** Anything longer (a minute) is recorded as a minute: the histograms never throw on an outlier. */
    static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(1);
    /** Two significant digits: 1 % resolution, and a few hundred bytes per histogram in a status reply. */
    private static final int SIGNIFICANT_DIGITS = 2;

    private final SynchronizedHistogram walCommitMicros = newHistogram();
    private final SynchronizedHistogram leaderWriteMicros = newHistogram();

    private static SynchronizedHistogram newHistogram() {
        return new SynchronizedHistogram(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    }

    void recordWalCommit(long nanos) {
        record(walCommitMicros, nanos);
    }

    void recordLeaderWrite(long nanos) {
        record(leaderWriteMicros, nanos);
    }

    private static void record(SynchronizedHistogram histogram, long nanos) {
        long micros = TimeUnit.NANOSECONDS.toMicros(Math.max(0, nanos));
        histogram.recordValue(Math.min(micros, HIGHEST_TRACKABLE_MICROS));
    }

    /** The histograms by name, each HdrHistogram's compressed encoding in base64 (see {@link #decode}). */
    @JsonValue
    public Map<String, String> encoded() {
        Map<String, String> encoded = new LinkedHashMap<>();
        encoded.put("walCommitMicros", encode(walCommitMicros.copy()));
        encoded.put("leaderWriteMicros", encode(leaderWriteMicros.copy()));
        return encoded;
    }

    /** HdrHistogram's compressed encoding of {@code histogram}, in base64: what {@link #decode} reads. */
    public static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    /**
     * One histogram from {@link #encoded()}.
     *
     * @throws IllegalArgumentException if {@code base64} is not an encoded histogram
     */
    public static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (java.util.zip.DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not an encoded histogram: " + e.getMessage(), e);
        }
    }
}
