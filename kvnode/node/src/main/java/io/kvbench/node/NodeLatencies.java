package io.kvbench.node;

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
 * measurement and subtracts ({@code bench}'s {@code NodeLatencyReport}), so the figures cover its own span:
 * <ul>
 *   <li>{@code walCommitMicros}: one WAL commit of appended entries on the WAL thread, from the first write of its
 *       group to the return of its last fsync (with {@code --fsync none}, the writes alone). What the writes of that
 *       group waited for the disk; under load a group holds many writes. Groups that only compact or install a
 *       snapshot are left out.</li>
 *   <li>{@code leaderWriteMicros}: on the leader, from a client's write being decoded on the event loop to its reply
 *       being handed to the connection (any wait in the node's inbox or parked during an election, replication to a
 *       majority, the leader's own fsync, apply). The client's latency less this is the client's stack, the network
 *       both ways, and the node's socket read and reply write.</li>
 *   <li>{@code replicationMicros}: on the leader, from first sending entries to a follower to the first follower's
 *       success acknowledgement covering them ({@link ReplicationTimer}): what a 3-node commit waits for besides the
 *       leader's own fsync (the network both ways, the follower's inbox, processing and WAL commit, the ack's wait
 *       in the leader's inbox; a resend counts from the first send).</li>
 * </ul>
 * Recorded from the WAL thread and the core thread; read from any thread (each histogram is synchronized). A node
 * adds them to its status JSON only when asked (a STATUS request with the histogram flag): HdrHistogram's compressed
 * encoding in base64, ~0.1 ms of the event loop per histogram.
 */
public final class NodeLatencies {
    /** Anything longer (a minute) is recorded as a minute: the histograms never throw on an outlier. */
    static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.MINUTES.toMicros(1);
    /** Two significant digits: 1 % resolution, and a few hundred bytes per histogram in a status reply. */
    private static final int SIGNIFICANT_DIGITS = 2;

    private final SynchronizedHistogram walCommitMicros = newHistogram();
    private final SynchronizedHistogram leaderWriteMicros = newHistogram();
    private final SynchronizedHistogram replicationMicros = newHistogram();

    private static SynchronizedHistogram newHistogram() {
        return new SynchronizedHistogram(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    }

    void recordWalCommit(long nanos) {
        record(walCommitMicros, nanos);
    }

    void recordLeaderWrite(long nanos) {
        record(leaderWriteMicros, nanos);
    }

    void recordReplication(long nanos) {
        record(replicationMicros, nanos);
    }

    private static void record(SynchronizedHistogram histogram, long nanos) {
        long micros = TimeUnit.NANOSECONDS.toMicros(Math.max(0, nanos));
        histogram.recordValue(Math.min(micros, HIGHEST_TRACKABLE_MICROS));
    }

    /** The histograms by name, each HdrHistogram's compressed encoding in base64 (see {@link #decode}). */
    public Map<String, String> encoded() {
        Map<String, String> encoded = new LinkedHashMap<>();
        encoded.put("walCommitMicros", encode(walCommitMicros.copy()));
        encoded.put("leaderWriteMicros", encode(leaderWriteMicros.copy()));
        encoded.put("replicationMicros", encode(replicationMicros.copy()));
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
