package io.kvbench.driver;

import io.kvbench.raft.Snapshot;

/** A snapshot the storage wrote (not yet installed), with where its time went, as {@link Storage} hands it back. */
public interface WrittenSnapshot {
    Snapshot snapshot();

    /** The snapshot's size in storage (what a follower would be sent). */
    long sizeBytes();

    long captureNanos();

    /** Serializing the capture into the file and forcing it: one pass, never the whole state in memory. */
    long writeNanos();
}
