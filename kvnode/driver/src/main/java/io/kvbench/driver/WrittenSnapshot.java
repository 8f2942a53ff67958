package io.kvbench.driver;

import io.kvbench.raft.Snapshot;

/** A snapshot the storage wrote (not yet installed), with where its time went, as {@link Storage} hands it back. */
public interface WrittenSnapshot {
    Snapshot snapshot();

    long captureNanos();

    long serializeNanos();

    long writeNanos();
}
