package io.kvbench.wal;

/**
 * Counters since {@link Wal#open}. Read without a lock, so fields may come from slightly different moments.
 *
 * @param groupCommits times the WAL thread drained its queue and made everything drained durable
 * @param batches batches completed (durable, or durable-free in {@link SyncMode#NONE})
 * @param entriesWritten log entry records written
 * @param bytesWritten bytes written to segment files
 * @param forces {@code force()} calls on any file or directory
 * @param fsyncNanosTotal time spent in {@code force()}
 * @param fsyncNanosMax longest single {@code force()}
 * @param largestGroupBatches most batches completed by one group commit
 * @param segmentsPreallocated segment files filled with zeros and made durable ahead of use
 * @param preallocationNanosTotal time spent preallocating them, writes and force, mostly on the preallocating
 *        thread (not counted in {@code forces} or {@code fsyncNanosTotal})
 * @param segmentWaitNanosMax longest the WAL thread waited for a preallocated segment when rolling: near zero
 *        when preallocation kept ahead of the writes
 */
public record WalStats(long groupCommits, long batches, long entriesWritten, long bytesWritten, long forces,
        long fsyncNanosTotal, long fsyncNanosMax, long largestGroupBatches, long segmentsPreallocated,
        long preallocationNanosTotal, long segmentWaitNanosMax) {

    /** Above 1 when group commit is working: several batches shared one drain and its fsync. */
    public double batchesPerGroupCommit() {
        return groupCommits == 0 ? 0 : (double) batches / groupCommits;
    }

    public double batchesPerForce() {
        return forces == 0 ? 0 : (double) batches / forces;
    }
}
