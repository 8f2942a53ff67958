package io.kvbench.bench.jmh;

import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.wal.SyncMode;
import io.kvbench.wal.Wal;
import io.kvbench.wal.WalBatch;
import io.kvbench.wal.WalOptions;
import io.kvbench.wal.WalStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * WAL append of 100-byte records, made durable ({@link SyncMode#ALWAYS}) or not ({@link SyncMode#NONE}),
 * with a group commit of 1, 16 or 256 records per force: one {@link WalBatch} of that many entries through
 * {@link Wal#submitAndWait}, so each invocation is exactly one write + one force on the WAL thread.
 *
 * <p>The score is time per invocation, i.e. per group commit (write + force of {@code recordsPerForce}
 * records); records per second = recordsPerForce / score. The data directory is a fresh directory on the
 * repository's filesystem ({@link BenchmarkDirectories}), deleted after the trial.
 *
 * <p>Segments are preallocated as a node's are; {@code -p preallocateSegments=true,false} adds the segments that
 * grow with every append (the WAL before preallocation) for a comparison within one run.
 *
 * <p>JMH rules: the last index written is returned (JMHSample_08_DeadCode); forked (JMHSample_12_Forking).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class WalAppendBenchmark {
    static final int RECORD_BYTES = 100;

    @Param({"ALWAYS", "NONE"})
    public SyncMode syncMode;

    @Param({"1", "16", "256"})
    public int recordsPerForce;

    @Param({"true"})
    public boolean preallocateSegments;

    private Path directory;
    private Wal wal;
    private byte[][] payloads;
    private long nextIndex = 1;

    @Setup(Level.Trial)
    public void open() throws IOException {
        directory = BenchmarkDirectories.create("wal-");
        wal = Wal.open(directory, WalOptions.defaults().withSyncMode(syncMode)
                .withPreallocateSegments(preallocateSegments));
        // The entries are of term 1: the WAL takes a term only once the hard state holds it (outside the measurement).
        wal.submitAndWait(WalBatch.ofHardState(new HardState(1, 0)));
        Random random = new Random(42);
        payloads = new byte[64][RECORD_BYTES];
        for (byte[] payload : payloads) random.nextBytes(payload);
    }

    @TearDown(Level.Trial)
    public void close() {
        WalStats stats = wal.stats();
        wal.close();
        BenchmarkDirectories.delete(directory);
        // Printed so a run shows that each force carried one group, as intended.
        System.out.println("WAL " + syncMode + " x" + recordsPerForce + " preallocated=" + preallocateSegments
                + ": " + stats);
    }

    @Benchmark
    public long appendGroup() throws IOException {
        List<Entry> entries = new ArrayList<>(recordsPerForce);
        for (int i = 0; i < recordsPerForce; i++) {
            long index = nextIndex++;
            entries.add(Entry.command(index, 1, payloads[(int) (index & 63)]));
        }
        wal.submitAndWait(WalBatch.ofEntries(entries));
        return nextIndex;
    }
}
