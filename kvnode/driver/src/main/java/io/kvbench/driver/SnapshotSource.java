package io.kvbench.driver;

import io.kvbench.raft.Snapshot;

/**
 * A snapshot a leader sends, opened by {@link Storage#openSnapshot}: its bytes stay readable until
 * {@link Storage#closeSnapshot}, even if a newer snapshot replaces it meanwhile.
 */
public interface SnapshotSource {
    Snapshot snapshot();

    /** How many bytes travel: the follower stages exactly these. */
    long sizeBytes();
}
