package io.kvbench.wal;

import java.io.IOException;
import java.nio.file.Path;

/** Stored data that cannot be a crash artifact: the node must not start on it. */
public class WalCorruptionException extends IOException {
    private final Path file;
    private final long offsetBytes;

    public WalCorruptionException(Path file, long offsetBytes, String problem) {
        super(file + " at byte " + offsetBytes + ": " + problem);
        this.file = file;
        this.offsetBytes = offsetBytes;
    }

    public Path file() {
        return file;
    }

    public long offsetBytes() {
        return offsetBytes;
    }
}
