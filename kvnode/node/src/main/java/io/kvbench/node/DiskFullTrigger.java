package io.kvbench.node;

import io.kvbench.wal.FileChannelFactory;
import io.kvbench.wal.ForwardingFileChannel;
import io.kvbench.wal.WalOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * For tests only: once a trigger file exists, every write and fsync of the node's WAL fails as on a full disk, so a
 * test can fail the storage of a running node it chose (the leader) and keep it failed across a restart, without
 * root or a small filesystem. A real process gets it from the system property {@value #PROPERTY} (a file name,
 * resolved in the data directory); nothing else reads that property. Costs a file lookup per write and fsync.
 */
final class DiskFullTrigger implements FileChannelFactory {
    /** {@code -Dkvnode.test.diskFullWhenExists=NAME}: the node's WAL fails once DATA_DIR/NAME exists. Test-only. */
    static final String PROPERTY = "kvnode.test.diskFullWhenExists";

    private final Path trigger;
    private final FileChannelFactory files;

    private DiskFullTrigger(Path trigger, FileChannelFactory files) {
        this.trigger = trigger;
        this.files = files;
    }

    /** The WAL's options with channels that fail once {@code trigger} exists. */
    static UnaryOperator<WalOptions> when(Path trigger) {
        return options -> options.withChannelFactory(new DiskFullTrigger(trigger, options.channelFactory()));
    }

    /** {@link #when} the file {@link #PROPERTY} names in {@code dataDirectory}, or nothing when it is not set. */
    static UnaryOperator<WalOptions> fromSystemProperty(Path dataDirectory) {
        String name = System.getProperty(PROPERTY);
        return name == null || name.isBlank() ? UnaryOperator.identity() : when(dataDirectory.resolve(name));
    }

    @Override
    public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
        return new ForwardingFileChannel(files.open(path, options)) {
            @Override
            public int write(ByteBuffer source) throws IOException {
                failIfTriggered();
                return super.write(source);
            }

            @Override
            public int write(ByteBuffer source, long position) throws IOException {
                failIfTriggered();
                return super.write(source, position);
            }

            @Override
            public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
                failIfTriggered();
                return super.write(sources, offset, length);
            }

            @Override
            public void force(boolean metaData) throws IOException {
                failIfTriggered();
                super.force(metaData);
            }
        };
    }

    private void failIfTriggered() throws IOException {
        if (Files.exists(trigger)) throw new IOException("No space left on device (injected for a test: " + trigger + " exists)");
    }
}
