package io.kvbench.wal;

/**
 * @param segmentSizeBytes a segment file is rolled once it reaches this size (it may exceed it by one record)
 * @param syncMode whether writes are made durable; {@link SyncMode#NONE} only for comparison
 * @param queueCapacityBatches submitted batches the WAL holds before {@link Wal#submit} blocks (back-pressure)
 * @param channelFactory opens every file channel; replaced in tests to inject failures
 */
public record WalOptions(long segmentSizeBytes, SyncMode syncMode, int queueCapacityBatches,
        FileChannelFactory channelFactory) {
    public static final long DEFAULT_SEGMENT_SIZE_BYTES = 64L << 20;
    public static final int DEFAULT_QUEUE_CAPACITY_BATCHES = 4096;

    public WalOptions {
        if (segmentSizeBytes <= 0) throw new IllegalArgumentException("segmentSizeBytes must be positive");
        if (syncMode == null) throw new IllegalArgumentException("syncMode is null");
        if (queueCapacityBatches <= 0) throw new IllegalArgumentException("queueCapacityBatches must be positive");
        if (channelFactory == null) throw new IllegalArgumentException("channelFactory is null");
    }

    public static WalOptions defaults() {
        return new WalOptions(DEFAULT_SEGMENT_SIZE_BYTES, SyncMode.ALWAYS, DEFAULT_QUEUE_CAPACITY_BATCHES,
                FileChannelFactory.DEFAULT);
    }

    public WalOptions withSegmentSizeBytes(long value) {
        return new WalOptions(value, syncMode, queueCapacityBatches, channelFactory);
    }

    public WalOptions withSyncMode(SyncMode value) {
        return new WalOptions(segmentSizeBytes, value, queueCapacityBatches, channelFactory);
    }

    public WalOptions withQueueCapacityBatches(int value) {
        return new WalOptions(segmentSizeBytes, syncMode, value, channelFactory);
    }

    public WalOptions withChannelFactory(FileChannelFactory value) {
        return new WalOptions(segmentSizeBytes, syncMode, queueCapacityBatches, value);
    }
}
