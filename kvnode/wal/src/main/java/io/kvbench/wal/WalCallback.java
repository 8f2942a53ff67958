package io.kvbench.wal;

import java.io.IOException;

/**
 * Completion of one submitted batch, invoked in submission order on the WAL thread (or on the
 * writer's, for batches it commits itself: {@link Wal#commitHeld}). Implementations must be
 * quick and must not block: they delay every later batch (typically they post an event to the core's thread).
 */
public interface WalCallback {
    /** Everything in the batch, and in every batch submitted before it, is on stable storage. */
    void onDurable();

    /** The batch may or may not be on disk; the WAL has failed and accepts nothing more. */
    void onFailure(IOException cause);
}
