package io.kvbench.wal;

/**
 * Mutable counters behind {@link WalStats}. Each is written by one thread at a time: the committing one (the WAL
 * thread, or the writer's while the WAL thread is idle; the opening thread before it starts), except the
 * preallocation counters, written by the preallocating thread alone; volatile so any thread can read.
 */
final class StatsRecorder {
    private volatile long groupCommits;
    private volatile long batches;
    private volatile long entriesWritten;
    private volatile long bytesWritten;
    private volatile long forces;
    private volatile long fsyncNanosTotal;
    private volatile long fsyncNanosMax;
    private volatile long largestGroupBatches;
    private volatile long segmentsPreallocated;
    private volatile long preallocationNanosTotal;
    private volatile long segmentWaitNanosMax;

    void recordGroupCommit(int batchCount) {
        groupCommits++;
        batches += batchCount;
        if (batchCount > largestGroupBatches) largestGroupBatches = batchCount;
    }

    void recordEntry(int frameBytes) {
        entriesWritten++;
        bytesWritten += frameBytes;
    }

    void recordForce(long nanos) {
        forces++;
        fsyncNanosTotal += nanos;
        if (nanos > fsyncNanosMax) fsyncNanosMax = nanos;
    }

    void recordPreallocation(long nanos) {
        segmentsPreallocated++;
        preallocationNanosTotal += nanos;
    }

    void recordSegmentWait(long nanos) {
        if (nanos > segmentWaitNanosMax) segmentWaitNanosMax = nanos;
    }

    WalStats snapshot() {
        return new WalStats(groupCommits, batches, entriesWritten, bytesWritten, forces, fsyncNanosTotal,
                fsyncNanosMax, largestGroupBatches, segmentsPreallocated, preallocationNanosTotal,
                segmentWaitNanosMax);
    }
}
