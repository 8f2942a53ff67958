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
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preallocated segments: a file of zeros per segment, an all-zero record header as the end of the log, torn
 * tails and interrupted truncations erased with zeros, and stale records never taken back.
 */
@Timeout(60)
class WalPreallocationTest {
    private static final int DATA_BYTES = 100;
    /** Header 8 + entry fields 18 + data. */
    private static final int FRAME_BYTES = 8 + 18 + DATA_BYTES;
    private static final int SEGMENT_BYTES = 64 << 10;
    private static final WalOptions PREALLOCATED = WalOptions.defaults().withSegmentSizeBytes(SEGMENT_BYTES);
    /** Rolls after 33 records (33 * 126 = 4158 >= 4096). */
    private static final WalOptions SMALL_SEGMENTS = WalOptions.defaults().withSegmentSizeBytes(4096);
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path directory;

    @TempDir
    Path crashImage;

    private static List<Entry> fixedEntries(long fromIndex, long toIndex, long term) {
        List<Entry> result = new ArrayList<>();
        for (long index = fromIndex; index <= toIndex; index++) result.add(fixedEntry(index, term, DATA_BYTES));
        return result;
    }

    private List<Entry> writeFixedEntries(int count) throws IOException {
        List<Entry> written = fixedEntries(1, count, 1);
        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
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
    void newSegmentIsItsFullSizeOfZerosAndTheZerosAfterTheRecordsAreTheEndOfTheLog() throws Exception {
        List<Entry> written = writeFixedEntries(20);
        Path segment = onlySegment();
        byte[] before = Files.readAllBytes(segment);
        assertThat(before).hasSize(SEGMENT_BYTES);
        assertZerosFrom(segment, 20L * FRAME_BYTES);

        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
        assertThat(Files.readAllBytes(segment)).isEqualTo(before); // nothing to repair
        assertThat(leftoverTempFiles()).isEmpty();
    }

    @Test
    void appendsAfterRecoveryGoOnInTheSamePreallocatedSegment() throws Exception {
        List<Entry> written = new ArrayList<>(writeFixedEntries(20));
        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(21, 30, 1)));
            written.addAll(fixedEntries(21, 30, 1));
        }
        Path segment = onlySegment();
        assertThat(Files.size(segment)).isEqualTo(SEGMENT_BYTES);
        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
    }

    @Test
    void segmentsLargerThanOneReadChunkRecoverWhole() throws Exception {
        List<Entry> written = fixedEntries(1, 10_000, 1); // 1.26 MB: recovery reads a segment a MiB at a time
        for (boolean preallocate : new boolean[] {true, false}) {
            Path walDirectory = directory.resolve("preallocate-" + preallocate);
            WalOptions options = WalOptions.defaults().withPreallocateSegments(preallocate);
            try (Wal wal = Wal.open(walDirectory, options)) {
                wal.submitAndWait(WalTesting.withTerm(written));
            }
            try (Wal wal = Wal.open(walDirectory, options)) {
                assertThat(wal.recoveredState().entries()).as("preallocate %s", preallocate).isEqualTo(written);
            }
        }
    }

    @Test
    void segmentsRollOverIntoPreallocatedFilesAndRecover() throws Exception {
        List<Entry> written = new ArrayList<>();
        WalStats stats;
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            for (long first = 1; first <= 200; first += 7) {
                List<Entry> batch = fixedEntries(first, Math.min(first + 6, 200), 1);
                wal.submitAndWait(WalTesting.withTerm(batch));
                written.addAll(batch);
            }
            stats = wal.stats();
        }
        List<Path> segments = segmentFiles(directory);
        assertThat(segments).hasSize(7); // 33 records each: 1, 34, 67, 100, 133, 166, 199
        for (Path segment : segments.subList(0, segments.size() - 1)) {
            assertThat(Files.size(segment)).isEqualTo(33L * FRAME_BYTES); // the last record ran past the zeros
        }
        Path last = segments.get(segments.size() - 1);
        assertThat(last.getFileName().toString()).isEqualTo(WalFiles.segmentName(199));
        assertThat(Files.size(last)).isEqualTo(4096);
        assertZerosFrom(last, 2L * FRAME_BYTES);
        assertThat(stats.segmentsPreallocated()).isGreaterThanOrEqualTo(segments.size());
        assertThat(stats.preallocationNanosTotal()).isPositive();
        assertThat(leftoverTempFiles()).isEmpty(); // close deleted the segment prepared ahead

        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
    }

    @Test
    void theNextSegmentIsPreparedOnceTheActiveOneIsHalfFullSoRollingDoesNotWriteZeros() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            assertThat(wal.stats().segmentsPreallocated()).isEqualTo(1); // at open, for the first append
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 15, 1))); // 1890 bytes: under half of 4096
            assertThat(wal.stats().segmentsPreallocated()).isEqualTo(1);
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(16, 17, 1))); // 2142 bytes: over half
            awaitSegmentsPreallocated(wal, 2);
            Path prepared = directory.resolve(WalFiles.PREALLOCATED_SEGMENT_FILE);
            assertThat(Files.size(prepared)).isEqualTo(4096);

            wal.submitAndWait(WalTesting.withTerm(fixedEntries(18, 34, 1))); // record 34 starts segment 2
            assertThat(segmentFiles(directory)).extracting(path -> path.getFileName().toString())
                    .containsExactly(WalFiles.segmentName(1), WalFiles.segmentName(34));
            assertThat(wal.stats().segmentsPreallocated()).isEqualTo(2); // the roll took the prepared file
        }
    }

    @Test
    void garbageThenZerosInTheLastSegmentIsATornTailErasedWithZeros() throws Exception {
        List<Entry> written = writeFixedEntries(50);
        Path segment = onlySegment();
        byte[] garbage = new byte[300];
        new Random(42).nextBytes(garbage);
        writeAt(segment, 50L * FRAME_BYTES, garbage);

        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
        assertThat(Files.size(segment)).isEqualTo(SEGMENT_BYTES); // still preallocated
        assertZerosFrom(segment, 50L * FRAME_BYTES);
    }

    @Test
    void aTornRecordWithAValidLookingLengthAndZerosAfterItIsCaughtByItsCrc() throws Exception {
        List<Entry> written = writeFixedEntries(20);
        Path segment = onlySegment();
        // The next record's header reached the disk, its payload did not: the length is right, the bytes are zeros.
        ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES);
        RecordFormat.encodeEntry(fixedEntry(21, 1, DATA_BYTES), frame);
        writeAt(segment, 20L * FRAME_BYTES, Arrays.copyOf(frame.array(), RecordFormat.HEADER_BYTES));

        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
        assertZerosFrom(segment, 20L * FRAME_BYTES);
    }

    @Test
    void aLastRecordWhoseEndIsStillZerosIsATornTail() throws Exception {
        List<Entry> written = writeFixedEntries(20);
        Path segment = onlySegment();
        writeAt(segment, 20L * FRAME_BYTES - 50, new byte[50]);

        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written.subList(0, 19));
            wal.submitAndWait(WalTesting.withTerm(List.of(written.get(19))));
        }
        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
    }

    @Test
    void recordsAfterAnAllZeroHeaderInTheLastSegmentAreErasedAndNeverComeBack() throws Exception {
        // What a truncation interrupted after its first force leaves (the erased header of its first record,
        // the stale records after it), and also a group write whose first page never reached the disk.
        List<Entry> written = writeFixedEntries(50);
        Path segment = onlySegment();
        writeAt(segment, 39L * FRAME_BYTES, new byte[RecordFormat.HEADER_BYTES]); // record 40's header

        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written.subList(0, 39));
            assertZerosFrom(segment, 39L * FRAME_BYTES);
            // Records of the same size land where the stale ones were: 40..42 now, 43..50 must stay gone.
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(40, 42, 2)));
        }
        List<Entry> expected = new ArrayList<>(written.subList(0, 39));
        expected.addAll(fixedEntries(40, 42, 2));
        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(expected);
        }
    }

    @Test
    void truncateThenShorterRewriteThenCrashDoesNotResurrectTheOldSuffix() throws Exception {
        List<Entry> expected = new ArrayList<>(fixedEntries(1, 39, 1));
        expected.addAll(fixedEntries(40, 42, 2));
        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 50, 1)));
            // A new leader's entries conflict from 40 on (§5.3); equal sizes, so 43..50 sit right behind 42.
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(40, 42, 2)));
            copyFiles(directory, crashImage); // what a kill -9 now leaves on disk: no close
            assertThat(Files.size(onlySegment())).isEqualTo(SEGMENT_BYTES); // erased, not cut: still preallocated
            assertZerosFrom(onlySegment(), 42L * FRAME_BYTES);
        }
        try (Wal wal = Wal.open(crashImage, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(expected);
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(43, 44, 2)));
            expected.addAll(fixedEntries(43, 44, 2));
        }
        try (Wal wal = Wal.open(crashImage, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(expected);
        }
    }

    @Test
    void truncationMakesTheErasedHeaderDurableFirstThenTheRestThenWritesNewRecords() throws Exception {
        EventRecordingChannelFactory channels = new EventRecordingChannelFactory();
        try (Wal wal = Wal.open(directory, PREALLOCATED.withChannelFactory(channels))) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 50, 1)));
            channels.events.clear();
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(40, 42, 2)));
        }
        long erasedFrom = 39L * FRAME_BYTES;
        assertThat(channels.events).startsWith(
                "write " + RecordFormat.HEADER_BYTES + " at " + erasedFrom, "force",
                "write " + (11 * FRAME_BYTES - RecordFormat.HEADER_BYTES) + " at " + (erasedFrom + 8), "force",
                "write " + 3 * FRAME_BYTES + " at " + erasedFrom, "force");
    }

    @Test
    void anAllZeroHeaderWithDataAfterItInAnOlderSegmentRefusesToOpenNamingFileAndOffset() throws Exception {
        try (Wal wal = Wal.open(directory, SMALL_SEGMENTS)) {
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(1, 40, 1)));
        }
        Path first = segmentFiles(directory).get(0);
        long recordOffset = 10L * FRAME_BYTES;
        writeAt(first, recordOffset, new byte[RecordFormat.HEADER_BYTES]);

        assertThatThrownBy(() -> Wal.open(directory, SMALL_SEGMENTS))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining(WalFiles.segmentName(1))
                .hasMessageContaining("at byte " + recordOffset)
                .hasMessageContaining("not the last")
                .satisfies(e -> assertThat(((WalCorruptionException) e).offsetBytes()).isEqualTo(recordOffset));
    }

    @Test
    void aFlippedByteInTheMiddleOfAPreallocatedLastSegmentIsCorruptionNotATornTail() throws Exception {
        writeFixedEntries(50);
        Path segment = onlySegment();
        long recordOffset = 25L * FRAME_BYTES;
        WalRecoveryTest.flipByte(segment, recordOffset + 8 + 18 + 50);
        byte[] before = Files.readAllBytes(segment);

        assertThatThrownBy(() -> Wal.open(directory, PREALLOCATED))
                .isInstanceOf(WalCorruptionException.class)
                .hasMessageContaining(segment.getFileName().toString())
                .hasMessageContaining("at byte " + recordOffset)
                .hasMessageContaining("valid records follow");
        assertThat(Files.readAllBytes(segment)).isEqualTo(before); // refusing repairs nothing
    }

    @Test
    void anAllZeroLastSegmentFromACrashRightAfterRollingIsDropped() throws Exception {
        List<Entry> written = writeFixedEntries(20);
        Path empty = directory.resolve(WalFiles.segmentName(21));
        Files.write(empty, new byte[SEGMENT_BYTES]);

        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
            assertThat(empty).doesNotExist();
        }
    }

    @Test
    void aLastSegmentWrittenWithoutPreallocationRecoversAndTheNextAppendRollsToAPreallocatedOne() throws Exception {
        List<Entry> written = new ArrayList<>(fixedEntries(1, 20, 1));
        try (Wal wal = Wal.open(directory, PREALLOCATED.withPreallocateSegments(false))) {
            wal.submitAndWait(WalTesting.withTerm(written));
        }
        Path legacy = onlySegment();
        assertThat(Files.size(legacy)).isEqualTo(20L * FRAME_BYTES);

        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
            wal.submitAndWait(WalTesting.withTerm(fixedEntries(21, 25, 1)));
            written.addAll(fixedEntries(21, 25, 1));
        }
        assertThat(Files.size(legacy)).isEqualTo(20L * FRAME_BYTES); // left as the old version wrote it
        Path rolled = directory.resolve(WalFiles.segmentName(21));
        assertThat(Files.size(rolled)).isEqualTo(SEGMENT_BYTES);
        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
    }

    @Test
    void aHalfPreallocatedSegmentLeftByACrashIsDeletedAtOpen() throws Exception {
        List<Entry> written = writeFixedEntries(5);
        Path leftover = directory.resolve(WalFiles.PREALLOCATED_SEGMENT_FILE);
        Files.write(leftover, new byte[1000]);

        try (Wal wal = Wal.open(directory, PREALLOCATED)) {
            assertThat(wal.recoveredState().entries()).isEqualTo(written);
        }
        assertThat(leftover).doesNotExist();
    }

    @Test
    void aSegmentSizeRecoveryCouldNotReadBackIsRejected() {
        assertThatThrownBy(() -> WalOptions.defaults().withSegmentSizeBytes(2L << 30))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segmentSizeBytes must be at most");
    }

    private List<Path> leftoverTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.getFileName().toString().endsWith(WalFiles.TEMP_SUFFIX)).toList();
        }
    }

    private static void awaitSegmentsPreallocated(Wal wal, long count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (wal.stats().segmentsPreallocated() < count && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(wal.stats().segmentsPreallocated()).isEqualTo(count);
    }

    private static void assertZerosFrom(Path file, long fromBytes) throws IOException {
        byte[] content = Files.readAllBytes(file);
        assertThat(content.length).isGreaterThanOrEqualTo((int) fromBytes);
        assertThat(ZeroFill.firstNonZero(content, (int) fromBytes)).as("first non-zero byte after %d", fromBytes)
                .isEqualTo(-1);
    }

    private static void writeAt(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(bytes), offset);
        }
    }

    private static void copyFiles(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : (Iterable<Path>) files::iterator) Files.copy(file, to.resolve(file.getFileName()));
        }
    }

    /** Records positioned writes and forces on segment files, in order. */
    private static final class EventRecordingChannelFactory implements FileChannelFactory {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
            FileChannel channel = FileChannel.open(path, options);
            if (!path.getFileName().toString().matches("wal-[0-9a-f]{16}\\.log")) return channel;
            return new ForwardingFileChannel(channel) {
                @Override
                public int write(ByteBuffer source, long position) throws IOException {
                    events.add("write " + source.remaining() + " at " + position);
                    return super.write(source, position);
                }

                @Override
                public void force(boolean metaData) throws IOException {
                    events.add("force");
                    super.force(metaData);
                }
            };
        }
    }
}
