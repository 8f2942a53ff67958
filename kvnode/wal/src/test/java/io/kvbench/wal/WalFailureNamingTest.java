package io.kvbench.wal;

import static io.kvbench.wal.WalTesting.entries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.raft.HardState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every I/O failure of the WAL names the file and the operation, so that the one line a node stops with says where
 * to look (issue 20, finding 6: a restart on a full disk said only {@code java.io.IOException: No space left on
 * device}).
 */
@Timeout(60)
class WalFailureNamingTest {
    private static final String NO_SPACE = "No space left on device";

    @TempDir
    Path directory;

    private final FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();

    @Test
    void aFailedFsyncOfASegmentNamesTheSegmentAndFdatasync() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            wal.submitAndWait(WalTesting.withTerm(entries(1, 5, 1)));
            channels.forceFailure = new IOException("Input/output error");
            WalTesting.FutureCallback callback = new WalTesting.FutureCallback();
            wal.submit(WalTesting.withTerm(entries(6, 6, 1)), callback);

            IOException failure = failureOf(callback);
            assertThat(failure).isInstanceOf(WalIoException.class)
                    .hasMessage("fdatasync " + directory.resolve(WalFiles.segmentName(1)) + " failed: Input/output error");
            assertThat(((WalIoException) failure).file()).isEqualTo(directory.resolve(WalFiles.segmentName(1)));
            assertThat(((WalIoException) failure).operation()).isEqualTo("fdatasync");
            assertThat(failure.getCause()).isSameAs(channels.forceFailure);
        }
    }

    @Test
    void aFailedWriteNamesTheFileAndWrite() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            wal.submitAndWait(new WalBatch(new HardState(1, 0), entries(1, 5, 1), null));
            channels.writeFailureForPathsEndingWith = ".log";
            channels.writeFailure = new IOException(NO_SPACE);

            assertThatThrownBy(() -> wal.submitAndWait(WalTesting.withTerm(entries(6, 10, 1))))
                    .cause().isInstanceOf(WalIoException.class)
                    .hasMessage("write " + directory.resolve(WalFiles.segmentName(1)) + " failed: " + NO_SPACE);
        }
    }

    @Test
    void aFailedHardStateWriteNamesTheHardStateFile() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            channels.writeFailureForPathsEndingWith = WalFiles.HARD_STATE_FILE;
            channels.writeFailure = new IOException(NO_SPACE);

            assertThatThrownBy(() -> wal.submitAndWait(WalBatch.ofHardState(new HardState(3, 2))))
                    .cause().hasMessage("write " + directory.resolve(WalFiles.HARD_STATE_FILE) + " failed: " + NO_SPACE);
        }
    }

    @Test
    void aFailedSnapshotWriteNamesTheStagedFile() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            wal.submitAndWait(WalTesting.withTerm(entries(1, 5, 1)));
            channels.writeFailureForPathsEndingWith = WalFiles.TEMP_SUFFIX;
            channels.writeFailure = new IOException(NO_SPACE);

            assertThatThrownBy(() -> wal.stageSnapshot(5, 1, out -> out.write(new byte[100])))
                    .isInstanceOf(WalIoException.class)
                    .hasMessage("write " + directory.resolve(WalFiles.stagedSnapshotName(5)) + " failed: " + NO_SPACE);
        }
    }

    /** The restart on a still-full disk: preparing the first segment fails, named. */
    @Test
    void openingOnAFullDiskNamesTheSegmentBeingPreallocated() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            wal.submitAndWait(WalBatch.ofHardState(new HardState(1, 0)));
        }
        channels.writeFailureForPathsEndingWith = WalFiles.PREALLOCATED_SEGMENT_FILE;
        channels.writeFailure = new IOException(NO_SPACE);

        assertThatThrownBy(() -> Wal.open(directory, WalOptions.defaults().withChannelFactory(channels)))
                .isInstanceOf(WalIoException.class)
                .hasMessage("write " + directory.resolve(WalFiles.PREALLOCATED_SEGMENT_FILE) + " failed: " + NO_SPACE);
    }

    @Test
    void aFailedRenameNamesBothFiles() {
        Path missing = directory.resolve("missing");
        Path target = directory.resolve("target");

        assertThatThrownBy(() -> AtomicFiles.move(missing, target))
                .isInstanceOf(WalIoException.class)
                .hasMessage("rename " + missing + " to " + target + " failed: no such file");
    }

    private static IOException failureOf(WalTesting.FutureCallback callback) throws Exception {
        try {
            callback.result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (IOException) e.getCause();
        }
        throw new AssertionError("the batch was reported durable");
    }
}
