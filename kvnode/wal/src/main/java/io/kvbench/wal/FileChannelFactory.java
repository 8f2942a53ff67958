package io.kvbench.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Opens every file and directory channel the WAL uses, so tests can inject a channel whose {@code write} or
 * {@code force} fails or blocks.
 */
@FunctionalInterface
public interface FileChannelFactory {
    FileChannelFactory DEFAULT = FileChannel::open;

    FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
}
