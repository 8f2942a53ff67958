package io.kvbench.wal;

/** Mutable counters behind {@link WalStats}. Written by the WAL thread only; volatile so any thread can read. */
final class StatsRecorder {
    private volatile long groupCommits;
    private volatile long batches;
    private volatile long entriesWritten;
    private volatile long bytesWritten;
    private volatile long forces;
    private volatile long fsyncNanosTotal;
    private volatile long fsyncNanosMax;
    private volatile long largestGroupBatches;

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

    WalStats snapshot() {
        return new WalStats(groupCommits, batches, entriesWritten, bytesWritten, forces, fsyncNanosTotal,
                fsyncNanosMax, largestGroupBatches);
    }
}
