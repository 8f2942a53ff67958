package io.kvbench.bench.floor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The fsync a majority write waits for when the cluster's nodes share one disk: {@code writers} threads (one per
 * node, N = the cluster's size), each with its own scratch file in the directory, start the floor's small durable
 * write ({@link FsyncProbe}'s 64-byte write + {@code force(false)}; {@link Floor} asks for the overwrite of
 * preallocated space, as a WAL with preallocated segments does) together, round after round. A round's figure is the time by which a <em>majority</em> of them had finished: the
 * (⌊N/2⌋+1)-th smallest of the N durations, the second of three (see {@link #majorityNanos}).
 *
 * <p>Why this is the fsync in the floor of a majority write: an entry commits once a majority of the nodes hold it
 * durably (Raft §5.3, §5.4.2 "replicated on a majority"); the leader fsyncs in parallel with replication, the
 * followers fsync on receipt, so the N fsyncs of one entry overlap on the shared disk, and the commit waits for the
 * majority-th of them to finish, not for the fastest (a lone fsync) nor for the slowest. On ext4 they also share
 * one journal, so each can take longer than a lone one.
 *
 * <p>Each writer times its own write from its own start: the few microseconds its thread takes to wake at the
 * round's start are the harness's, not the disk's (in a cluster the fsyncs of an entry start at different times
 * anyway, the followers' half a round trip after the leader's). Threads stand in for processes: fsync is a
 * filesystem operation on a file, and the filesystem neither knows nor cares which process asks. The next round
 * starts when all N have finished, so every round is N fsyncs at once. Files are deleted afterwards.
 */
final class ContendedFsyncProbe {

    /** How long a writer waits for the others at a round's start before the probe gives up. */
    private static final long ROUND_START_TIMEOUT_SECONDS = 60;

    /**
     * @param writers        N, the writers at once
     * @param majorityNanos  per round, the time by which a majority of the N had finished
     * @param eachFsyncNanos every single write + fsync of every writer (N per round): a diagnostic, what one fsync
     *                       costs while the others run
     */
    record Result(int writers, Histogram majorityNanos, Histogram eachFsyncNanos) {
    }

    private ContendedFsyncProbe() {
    }

    /** {@code rounds} rounds of {@code writers} fsyncs at once, after {@code warmupRounds} discarded ones. */
    static Result measure(Path directory, int writers, int warmupRounds, int rounds, boolean preallocated)
            throws IOException {
        if (writers < 1) throw new IllegalArgumentException("writers must be >= 1, got " + writers);
        Files.createDirectories(directory);
        int totalRounds = warmupRounds + rounds;
        long[][] nanosByWriter = new long[writers][totalRounds];
        CyclicBarrier roundStart = new CyclicBarrier(writers);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int writer = 0; writer < writers; writer++) {
            long[] nanos = nanosByWriter[writer];
            Thread thread = new Thread(() -> {
                try {
                    writeRounds(directory, preallocated, roundStart, failure, nanos);
                } catch (Throwable thrown) {
                    failure.compareAndSet(null, thrown);
                    roundStart.reset(); // the others stop waiting for this one
                }
            }, "fsync-contended-" + writer);
            threads.add(thread);
            thread.start();
        }
        try {
            for (Thread thread : threads) thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted measuring contended fsync", e);
        }
        if (failure.get() != null) {
            throw new IOException("contended fsync probe failed: " + failure.get(), failure.get());
        }
        Histogram majority = new Histogram(3);
        Histogram each = new Histogram(3);
        long[] round = new long[writers];
        for (int index = warmupRounds; index < totalRounds; index++) {
            for (int writer = 0; writer < writers; writer++) {
                round[writer] = nanosByWriter[writer][index];
                each.recordValue(round[writer]);
            }
            majority.recordValue(majorityNanos(round));
        }
        return new Result(writers, majority, each);
    }

    /**
     * The time by which a majority of one round's N writers had finished, each timed from its own start: the
     * (⌊N/2⌋+1)-th smallest duration (N = 3: the second, i.e. the median; N = 5: the third).
     */
    static long majorityNanos(long[] roundNanos) {
        if (roundNanos.length == 0) throw new IllegalArgumentException("a round has at least one writer");
        long[] sorted = roundNanos.clone();
        Arrays.sort(sorted);
        return sorted[roundNanos.length / 2];
    }

    private static void writeRounds(Path directory, boolean preallocated, CyclicBarrier roundStart,
            AtomicReference<Throwable> failure, long[] nanos)
            throws IOException, InterruptedException, BrokenBarrierException, TimeoutException {
        Path file = Files.createTempFile(directory, "floor-fsync-contended-", ".tmp");
        ByteBuffer record = ByteBuffer.allocateDirect(FsyncProbe.RECORD_BYTES);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (preallocated) FsyncProbe.fillWithZeros(channel, (long) nanos.length * FsyncProbe.RECORD_BYTES);
            for (int round = 0; round < nanos.length && failure.get() == null; round++) {
                roundStart.await(ROUND_START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                nanos[round] = FsyncProbe.timedWriteAndForce(channel, record, (long) round * FsyncProbe.RECORD_BYTES, round);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
