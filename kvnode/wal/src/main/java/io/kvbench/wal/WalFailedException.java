package io.kvbench.wal;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Thrown by {@link Wal#submit} once an earlier write or fsync failed. After such a failure nothing can be
 * known about what reached the disk, so the node must stop and recover from the files.
 */
public final class WalFailedException extends UncheckedIOException {
    public WalFailedException(IOException cause) {
        super("WAL failed earlier and accepts no more writes: " + cause.getMessage(), cause);
    }
}
