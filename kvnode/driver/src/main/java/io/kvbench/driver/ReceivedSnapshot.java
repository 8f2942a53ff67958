package io.kvbench.driver;

import io.kvbench.raft.Snapshot;

/**
 * A snapshot a follower receives from its leader, staged by {@link Storage#receiveSnapshot} and written chunk by
 * chunk: installed only once every byte is written and {@link Storage#finishReceivedSnapshot} found it whole.
 */
public interface ReceivedSnapshot {
    Snapshot snapshot();

    long sizeBytes();
}
