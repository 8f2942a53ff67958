package io.kvbench.node;

/**
 * What a node lets its heap hold, in bytes (docs/limits.md; etcd's {@code --quota-backend-bytes} is the model).
 *
 * @param quotaBytes            the replicated state's quota: keys, values, sessions and their stored replies, as the
 *                              state machine counts them; a write that would go over it is refused (QuotaExceeded)
 *                              by every replica alike. This node stamps it on the writes it proposes as leader
 * @param maxLogBytes           the in-memory log's limit: a leader takes no proposal while its log holds this much
 *                              (clients get OVERLOADED and retry) until a snapshot compacts it
 * @param snapshotEveryLogBytes a snapshot is taken (and the log compacted) once the entries applied since the last one
 *                              hold this many bytes, or every {@code --snapshot-every} entries, whichever comes first
 */
public record ByteBudgets(long quotaBytes, long maxLogBytes, long snapshotEveryLogBytes) {
    /** The smallest log limit: a handful of the largest entries (values are at most 1 MiB). */
    public static final long MIN_MAX_LOG_BYTES = 4L << 20;

    public ByteBudgets {
        if (quotaBytes <= 0) throw new IllegalArgumentException("--quota-bytes must be positive: " + quotaBytes);
        if (maxLogBytes < MIN_MAX_LOG_BYTES) {
            throw new IllegalArgumentException("--max-log-bytes must be at least " + MIN_MAX_LOG_BYTES + ": " + maxLogBytes);
        }
        if (snapshotEveryLogBytes <= 0 || snapshotEveryLogBytes > maxLogBytes / 2) {
            // A snapshot must be due well before the log is full, or proposals would stop with nothing to compact.
            throw new IllegalArgumentException("--snapshot-every-bytes must be positive and at most half of --max-log-bytes ("
                    + maxLogBytes / 2 + "): " + snapshotEveryLogBytes);
        }
    }

    /** Defaults for this JVM: {@link #defaults(long)} of its maximum heap. */
    public static ByteBudgets defaults() {
        return defaults(Runtime.getRuntime().maxMemory());
    }

    /**
     * A quarter of the heap for the state, an eighth for the log, a snapshot every sixteenth: 128, 64 and 32 MiB on a
     * 512 MiB heap. What is left covers what the budgets do not count: the state captured for a snapshot while writes
     * go on, the proposals a leader holds decoded until they are applied (at most the log's worth), a follower's
     * state while it installs a snapshot (its old state is let go first), and the collector's headroom. Network buffers
     * are direct memory, bounded by the inbound budgets (docs/inbound-limits.md).
     */
    public static ByteBudgets defaults(long maxHeapBytes) {
        long maxLog = Math.max(MIN_MAX_LOG_BYTES, maxHeapBytes / 8);
        return new ByteBudgets(Math.max(1, maxHeapBytes / 4), maxLog, Math.min(maxLog / 2, Math.max(1, maxHeapBytes / 16)));
    }
}
