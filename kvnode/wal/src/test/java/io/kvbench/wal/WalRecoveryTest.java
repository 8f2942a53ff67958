package io.kvbench.wal;

import static io.kvbench.wal.WalTesting.fixedEntry;
import static io.kvbench.wal.WalTesting.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of segments as the WAL wrote them before segments were preallocated (each file ends at its last
 * record; {@link #LEGACY}), opened by today's defaults; damage to preallocated segments is in
 * {@link WalPreallocationTest}.
 */
@Timeout(60)
class WalRecoveryTest {
    private static final int DATA_BYTES = 100;
    /** Header 8 + entry fields 18 + data. */
    private static final int FRAME_BYTES = 8 + 18 + DATA_BYTES;
    /** Rolls after 9 records (9 * 126 = 1134 >= 1024). */
    private static final WalOptions SMALL_SEGMENTS = WalOptions.defaults().withSegmentSizeBytes(1024);
    private static final int RECORDS_PER_SMALL_SEGMENT = 9;
    /** Writes segment files as the previous version did. */
    private static final WalOptions LEGACY = WalOptions.defaults().withPreallocateSegments(false);

    @TempDir
    Path directory;

    private List<Entry> writeFixedEntries(int count, WalOptions options) throws IOException {
        List<Entry> written = new ArrayList<>();
        for (int index = 1; index <= count; index++) written.add(fixedEntry(index, 1, DATA_BYTES));
        try (Wal wal = Wal.open(directory, options)) {
            wal.submitAndWait(new WalBatch(new HardState(1, 2), written, null));
        }
        return written;
    }

    private Path onlySegment() throws IOException {
        List<Path> segments = segmentFiles(directory);
        assertThat(segments).hasSize(1);
        return segments.get(0);
    }

    @Test
    void recordCutOffMidWriteIsTruncatedToTheLastWholeRecord() throws Exception {
        List<Entry> written = writeFixedEntries(50, LEGACY);
        Path segment = onlySegment();
        assertThat(Files.size(segment)).isEqualTo(50L * FRAME_BYTES);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(50L * FRAME_BYTES - 50);
        }

        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written.subList(0, 49));
            assertThat(Files.size(segment)).isEqualTo(49L * FRAME_BYTES);
            wal.submitAndWait(WalBatch.ofEntries(List.of(written.get(49))));
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
    }

    @Test
    void headerCutOffMidWriteIsTruncated() throws Exception {
        List<Entry> written = writeFixedEntries(5, LEGACY);
        Path segment = onlySegment();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(4L * FRAME_BYTES + 3);
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written.subList(0, 4));
        }
    }

    @Test
    void garbageAfterTheLastRecordIsTruncated() throws Exception {
        List<Entry> written = writeFixedEntries(50, LEGACY);
        Path segment = onlySegment();
        byte[] garbage = new byte[300];
        new Random(42).nextBytes(garbage);
        Files.write(segment, garbage, StandardOpenOption.APPEND);

        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
        assertThat(Files.size(segment)).isEqualTo(50L * FRAME_BYTES);
    }

    @Test
    void zeroFilledTailIsTheEndOfTheLogAndLeftAsItIs() throws Exception {
        List<Entry> written = writeFixedEntries(20, LEGACY);
        Path segment = onlySegment();
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND);

        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
        // Zeros after the records are what a preallocated segment looks like: nothing to repair.
        assertThat(Files.size(segment)).isEqualTo(20L * FRAME_BYTES + 4096);
    }

    @Test
    void crcMismatchOnTheVeryLastRecordIsATornTail() throws Exception {
        List<Entry> written = writeFixedEntries(20, LEGACY);
        flipByte(onlySegment(), 19L * FRAME_BYTES + 40);

        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written.subList(0, 19));
        }
    }

    @Test
    void flippedByteInAnOlderSegmentRefusesToOpenNamingFileAndOffset() throws Exception {
        writeFixedEntries(40, SMALL_SEGMENTS);
        assertThat(segmentFiles(directory)).hasSize(5);
        Path first = segmentFiles(directory).get(0);
        long recordOffset = 3L * FRAME_BYTES;
        flipByte(first, recordOffset + 8 + 18 + 5);

        assertThatThrownBy(() -> Wal.open(directory, SMALL_SEGMENTS))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining("wal-0000000000000001.log")
                .hasMessageContaining("at byte " + recordOffset)
                .hasMessageContaining("CRC mismatch")
                .satisfies(e -> assertThat(((WalCorruptionException) e).offsetBytes()).isEqualTo(recordOffset));
        // Refusing must not repair anything.
        assertThat(Files.size(first)).isEqualTo(RECORDS_PER_SMALL_SEGMENT * (long) FRAME_BYTES);
    }

    @Test
    void flippedByteInTheMiddleOfTheLastSegmentIsCorruptionNotATornTail() throws Exception {
        writeFixedEntries(50, LEGACY);
        Path segment = onlySegment();
        long recordOffset = 25L * FRAME_BYTES;
        flipByte(segment, recordOffset + 8 + 18 + 50);

        assertThatThrownBy(() -> Wal.open(directory, WalOptions.defaults()))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining(segment.getFileName().toString())
                .hasMessageContaining("at byte " + recordOffset)
                .hasMessageContaining("valid records follow");
        assertThat(Files.size(segment)).isEqualTo(50L * FRAME_BYTES);
    }

    @Test
    void damagedLengthFieldInTheMiddleIsCorruptionEvenThoughItPointsPastTheEnd() throws Exception {
        writeFixedEntries(50, LEGACY);
        Path segment = onlySegment();
        long recordOffset = 10L * FRAME_BYTES;
        flipByte(segment, recordOffset + 1); // length now claims ~8 MiB more than the file holds

        assertThatThrownBy(() -> Wal.open(directory, WalOptions.defaults()))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining("at byte " + recordOffset)
                .hasMessageContaining("incomplete record");
    }

    @Test
    void missingSegmentInTheMiddleIsAGap() throws Exception {
        writeFixedEntries(40, SMALL_SEGMENTS);
        Files.delete(segmentFiles(directory).get(2));

        assertThatThrownBy(() -> Wal.open(directory, SMALL_SEGMENTS))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining(String.format("wal-%016x.log", 3 * RECORDS_PER_SMALL_SEGMENT + 1))
                .hasMessageContaining("previous segment ends at " + 2 * RECORDS_PER_SMALL_SEGMENT);
    }

    @Test
    void emptyLastSegmentFromACrashRightAfterRollingIsDropped() throws Exception {
        List<Entry> written = writeFixedEntries(20, LEGACY);
        Files.createFile(directory.resolve(String.format("wal-%016x.log", 21)));

        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
            wal.submitAndWait(WalBatch.ofEntries(List.of(fixedEntry(21, 1, 3))));
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().entries()).hasSize(21);
        }
    }

    @Test
    void freshDirectoryGetsAnInitialHardStateFile() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(HardState.INITIAL);
        }
        assertThat(directory.resolve("hardstate")).exists();
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(HardState.INITIAL);
        }
    }

    @Test
    void missingHardStateFileBesideALogRefusesToOpen() throws Exception {
        writeFixedEntries(5, LEGACY);
        Files.delete(directory.resolve("hardstate"));

        assertThatThrownBy(() -> Wal.open(directory, WalOptions.defaults()))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining("hardstate")
                .hasMessageContaining("missing");
    }

    @Test
    void aTornCopyOfTheHardStateFallsBackToTheOtherCopy() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            wal.submitAndWait(WalBatch.ofHardState(new HardState(1, 2)));   // sequence 1: the copy at 4096
            wal.submitAndWait(WalBatch.ofHardState(new HardState(2, 3)));   // sequence 2: the copy at 0
        }
        // A crash tore the newest write (the copy at 0): the previous durable state survives in the other copy.
        flipByte(directory.resolve("hardstate"), 8);
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(1, 2));
            wal.submitAndWait(WalBatch.ofHardState(new HardState(3, 1)));
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(3, 1));
        }
    }

    @Test
    void bothHardStateCopiesCorruptRefusesToOpen() throws Exception {
        writeFixedEntries(5, WalOptions.defaults());
        flipByte(directory.resolve("hardstate"), 8);
        flipByte(directory.resolve("hardstate"), 4096 + 8);

        assertThatThrownBy(() -> Wal.open(directory, WalOptions.defaults()))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining("hardstate")
                .hasMessageContaining("CRC mismatch");
    }

    @Test
    void shortHardStateFileRefusesToOpen() throws Exception {
        writeFixedEntries(5, WalOptions.defaults());
        Path hardState = directory.resolve("hardstate");
        Files.write(hardState, new byte[] {1, 2, 3});

        assertThatThrownBy(() -> Wal.open(directory, WalOptions.defaults()))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining("hardstate")
                .hasMessageContaining("holds 3 bytes");
    }

    @Test
    void leftoverTempFileFromACrashDuringReplaceIsIgnoredAndRemoved() throws Exception {
        writeFixedEntries(5, WalOptions.defaults());
        Files.write(directory.resolve("hardstate.tmp"), new byte[] {9, 9});

        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(1, 2));
        }
        assertThat(directory.resolve("hardstate.tmp")).doesNotExist();
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5a));
            one.rewind();
            channel.write(one, offset);
        }
    }
}
