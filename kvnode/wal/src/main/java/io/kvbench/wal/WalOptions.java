package io.kvbench.wal;

import java.util.function.LongConsumer;

/**
 * @param segmentSizeBytes a segment file is rolled once it reaches this size (it may exceed it by one record)
 * @param syncMode whether writes are made durable; {@link SyncMode#NONE} only for comparison
 * @param queueCapacityBatches queued batches at which the WAL reports itself full ({@link Wal#queueFull()}), so the
 *        writer stops taking new work (back-pressure; {@link Wal#submit} itself never blocks)
 * @param channelFactory opens every file channel; replaced in tests to inject failures
 * @param preallocateSegments whether each new segment is first filled with {@code segmentSizeBytes} of zeros and
 *        made durable, so that appends overwrite allocated space and their fdatasync writes no file-size
 *        metadata (about half the cost of an append to a growing file on ext4); off only for comparison and
 *        for tests that need the files the WAL wrote before segments were preallocated
 * @param commitNanosObserver told, on the committing thread (the WAL thread, or the writer's in {@link Wal#commitHeld})
 *        after the group's callbacks, how long each successful commit
 *        of appended entries took: from the first write of its group to the return of its last fsync (a node's
 *        latency histogram); groups that only compact or install a snapshot are not timed; should be quick
 */
public record WalOptions(long segmentSizeBytes, SyncMode syncMode, int queueCapacityBatches,
        FileChannelFactory channelFactory, boolean preallocateSegments, LongConsumer commitNanosObserver) {
    /**
     * Smaller than etcd's 64 MB: a preallocated segment costs its size in zeros written and read back at every
     * restart (recovery reads the last segment whole), and a restarted node's heap keeps what that read touched,
     * which a later kill -9 must unmap before its sockets close (the failover hint waits on that). At 25,000
     * 100-byte writes/s a 16 MiB segment still lasts about four seconds.
     */
    public static final long DEFAULT_SEGMENT_SIZE_BYTES = 16L << 20;
    /** Recovery reads a whole segment into one array, so a segment must stay well under 2 GiB. */
    public static final long MAX_SEGMENT_SIZE_BYTES = 1L << 30;
    public static final int DEFAULT_QUEUE_CAPACITY_BATCHES = 4096;

    public WalOptions {
        if (segmentSizeBytes <= 0) throw new IllegalArgumentException("segmentSizeBytes must be positive");
        if (segmentSizeBytes > MAX_SEGMENT_SIZE_BYTES) {
            throw new IllegalArgumentException("segmentSizeBytes must be at most " + MAX_SEGMENT_SIZE_BYTES
                    + " (1 GiB), got " + segmentSizeBytes);
        }
        if (syncMode == null) throw new IllegalArgumentException("syncMode is null");
        if (queueCapacityBatches <= 0) throw new IllegalArgumentException("queueCapacityBatches must be positive");
        if (channelFactory == null) throw new IllegalArgumentException("channelFactory is null");
        if (commitNanosObserver == null) throw new IllegalArgumentException("commitNanosObserver is null");
    }

    public static WalOptions defaults() {
        return new WalOptions(DEFAULT_SEGMENT_SIZE_BYTES, SyncMode.ALWAYS, DEFAULT_QUEUE_CAPACITY_BATCHES,
                FileChannelFactory.DEFAULT, true, nanos -> { });
    }

    public WalOptions withSegmentSizeBytes(long value) {
        return new WalOptions(value, syncMode, queueCapacityBatches, channelFactory, preallocateSegments, commitNanosObserver);
    }

    public WalOptions withSyncMode(SyncMode value) {
        return new WalOptions(segmentSizeBytes, value, queueCapacityBatches, channelFactory, preallocateSegments, commitNanosObserver);
    }

    public WalOptions withQueueCapacityBatches(int value) {
        return new WalOptions(segmentSizeBytes, syncMode, value, channelFactory, preallocateSegments, commitNanosObserver);
    }

    public WalOptions withChannelFactory(FileChannelFactory value) {
        return new WalOptions(segmentSizeBytes, syncMode, queueCapacityBatches, value, preallocateSegments, commitNanosObserver);
    }

    public WalOptions withCommitNanosObserver(LongConsumer value) {
        return new WalOptions(segmentSizeBytes, syncMode, queueCapacityBatches, channelFactory, preallocateSegments, value);
    }

    public WalOptions withPreallocateSegments(boolean value) {
        return new WalOptions(segmentSizeBytes, syncMode, queueCapacityBatches, channelFactory, value, commitNanosObserver);
    }
}
