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
            wal.submitAndWait(WalTesting.withTerm(List.of(written.get(49))));
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
            wal.submitAndWait(WalTesting.withTerm(List.of(fixedEntry(21, 1, 3))));
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
    void aFlippedByteInTheNewestHardStateCopyNeverRollsTermAndVoteBack() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            wal.submitAndWait(WalBatch.ofHardState(new HardState(8, 3)));
            wal.submitAndWait(WalBatch.ofHardState(new HardState(9, 1)));   // newest: voted for 1 in term 9
        }
        // The finding: one byte flipped in the copy the last write went to (version 2 alternated copies;
        // that write went to the copy at byte 0) and the node came back in term 8, voted for 3, without a word.
        flipByte(directory.resolve("hardstate"), 8);
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(9, 1));
        }
    }

    @Test
    void anyOneDamagedByteInEitherCopyRecoversTheNewestStateAndRepairsTheFile() throws Exception {
        Path file = directory.resolve("hardstate");
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            wal.submitAndWait(WalBatch.ofHardState(new HardState(8, 3)));
            wal.submitAndWait(WalBatch.ofHardState(new HardState(9, 1)));
        }
        byte[] intact = Files.readAllBytes(file);
        for (int copy = 0; copy < HardStateCopies.COPY_COUNT; copy++) {
            for (int at = 0; at < HardStateCopies.COPY_BYTES; at++) {
                Files.write(file, intact);
                long offset = (long) copy * HardStateCopies.COPY_SPACING_BYTES + at;
                flipByte(file, offset);
                try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
                    assertThat(wal.recoveredState().hardState()).as("byte %d flipped", offset).isEqualTo(new HardState(9, 1));
                }
                // The open rewrote both copies: now the other copy may be damaged as well.
                flipByte(file, (long) (1 - copy) * HardStateCopies.COPY_SPACING_BYTES + at);
                try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
                    assertThat(wal.recoveredState().hardState()).as("then byte %d of the other copy", at).isEqualTo(new HardState(9, 1));
                }
            }
        }
    }

    @Test
    void aLegacyFileWithADamagedCopyRefusesToOpenNamingFileAndOffset() throws Exception {
        Path file = directory.resolve("hardstate");
        // Version 2 alternated copies: sequence 1 (term 8, voted 3) at byte 4096, sequence 2 (term 9, voted 1) at 0.
        Files.write(file, legacyFile(new HardState(9, 1), 2, new HardState(8, 3), 1));
        flipByte(file, 8);
        assertThatThrownBy(() -> Wal.open(directory, WalOptions.defaults()))
                .isInstanceOf(HardStateDamagedException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("at byte 0")
                .hasMessageContaining("CRC mismatch")
                .hasMessageContaining("term 8, voted for 3")
                .hasMessageContaining("docs/storage-recovery.md");

        // The older copy damaged reads the same from outside: the damaged one might have been the newer. Refused too.
        Files.write(file, legacyFile(new HardState(9, 1), 2, new HardState(8, 3), 1));
        flipByte(file, 4096 + 20);
        assertThatThrownBy(() -> Wal.open(directory, WalOptions.defaults()))
                .isInstanceOf(HardStateDamagedException.class)
                .hasMessageContaining("at byte 4096");
    }

    @Test
    void anIntactLegacyFileIsReadAndItsNextWriteMirrorsBothCopies() throws Exception {
        Path file = directory.resolve("hardstate");
        Files.write(file, legacyFile(new HardState(9, 1), 2, new HardState(8, 3), 1));
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(9, 1));
            wal.submitAndWait(WalBatch.ofHardState(new HardState(10, 2)));
        }
        flipByte(file, 8); // now survivable: both copies hold term 10
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(10, 2));
        }
    }

    @Test
    void aHardStateOlderThanTheLogRefusesToOpen() throws Exception {
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            wal.submitAndWait(new WalBatch(new HardState(5, 1), List.of(fixedEntry(1, 5, 10)), null));
        }
        // Both copies valid but older than the log (a restored backup, a lost write): the log is the witness.
        Files.write(directory.resolve("hardstate"), HardStateCopies.encodeFile(new HardState(4, 2), 0, 7));
        assertThatThrownBy(() -> Wal.open(directory, WalOptions.defaults()))
                .isInstanceOf(HardStateDamagedException.class)
                .hasMessageContaining("hardstate")
                .hasMessageContaining("term 4 but the log holds term 5");
    }

    @Test
    void aHigherTermIsDurableBeforeAnyEntryOfItIsWritten() throws Exception {
        FaultInjectingChannelFactory channels = new FaultInjectingChannelFactory();
        try (Wal wal = Wal.open(directory, WalOptions.defaults().withChannelFactory(channels))) {
            wal.submitAndWait(new WalBatch(new HardState(1, 1), List.of(fixedEntry(1, 1, 10)), null));
            // The entry write fails: whatever reached the disk of term 2 must find term 2 in the hard state already.
            channels.writeFailureForPathsEndingWith = ".log";
            channels.writeFailure = new IOException("injected segment write failure");
            assertThatThrownBy(() -> wal.submitAndWait(new WalBatch(new HardState(2, 0), List.of(fixedEntry(2, 2, 10)), null)))
                    .hasMessageContaining("injected");
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(2, 0));
        }
    }

    @Test
    void aRebuiltDirectoryStartsFencedAndKeepsItsFenceAcrossWrites() throws Exception {
        Wal.createRebuilt(directory, new HardState(12, 3), 40, WalOptions.defaults());
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(12, 3));
            assertThat(wal.recoveredState().voteFenceIndex()).isEqualTo(40);
            assertThat(wal.recoveredState().entries()).isEmpty();
            wal.submitAndWait(WalBatch.ofHardState(new HardState(13, 0)));
        }
        try (Wal wal = Wal.open(directory, WalOptions.defaults())) {
            assertThat(wal.recoveredState().hardState()).isEqualTo(new HardState(13, 0));
            assertThat(wal.recoveredState().voteFenceIndex()).isEqualTo(40);
        }
        assertThatThrownBy(() -> Wal.createRebuilt(directory, new HardState(1, 3), 0, WalOptions.defaults()))
                .hasMessageContaining("not empty");
    }

    /** A version 2 file: the format before copies were mirrored, one copy written per write. */
    private static byte[] legacyFile(HardState atZero, long sequenceAtZero, HardState atBlock, long sequenceAtBlock) {
        ByteBuffer file = ByteBuffer.allocate(HardStateCopies.FILE_BYTES);
        file.put(0, legacyCopy(atZero, sequenceAtZero));
        file.put(HardStateCopies.COPY_SPACING_BYTES, legacyCopy(atBlock, sequenceAtBlock));
        return file.array();
    }

    private static byte[] legacyCopy(HardState hardState, long sequence) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 21);
        buffer.position(4);
        buffer.put((byte) 2).putLong(sequence).putLong(hardState.term()).putInt(hardState.votedFor());
        buffer.putInt(0, RecordFormat.crc32c(buffer.array(), 4, 21));
        return buffer.array();
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
