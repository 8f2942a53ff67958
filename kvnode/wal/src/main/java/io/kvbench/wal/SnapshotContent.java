package io.kvbench.wal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A snapshot's content as the WAL sees it: bytes that a writer streams into a snapshot file and a reader streams out
 * of one, so that a snapshot as large as the state is never held whole in memory (the KV state machine's format
 * travels through here without the WAL knowing it).
 */
public final class SnapshotContent {
    private SnapshotContent() {
    }

    /** Writes a snapshot's content; the stream buffers and checksums, and needs no flush or close. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Reads a snapshot's content: the stream holds exactly the content (it ends where the content ends). Whatever the
     * reader returns is handed back only once the whole file's checksum was verified.
     */
    @FunctionalInterface
    public interface Reader<T> {
        T readFrom(InputStream in) throws IOException;
    }
}
