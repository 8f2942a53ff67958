package io.kvbench.bench.jmh;

import io.kvbench.raft.Message;
import io.kvbench.raft.ProposeResult;
import io.kvbench.raft.RaftConfig;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Ready;
import io.kvbench.raft.Role;
import io.kvbench.raft.Snapshot;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The consensus core's own cost per write: one 100-byte proposal replicated and committed among three
 * in-memory {@link RaftCore}s. Each invocation proposes on the leader, then drains every core's
 * {@link Ready} (acknowledging persistence at once with {@link RaftCore#persisted}) and delivers every
 * message, until all three are quiet and the entry is committed everywhere. No I/O, no threads: what is
 * left is the core's bookkeeping, which bounds a node's throughput from above.
 *
 * <p>Score: proposals committed per second. The commit index is returned (JMHSample_08_DeadCode); forked
 * (JMHSample_12_Forking). Logs are compacted every {@link #COMPACT_EVERY_ENTRIES} so memory stays flat over
 * a long measurement.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CoreStepBenchmark {
    static final int COMPACT_EVERY_ENTRIES = 10_000;
    static final List<Integer> VOTERS = List.of(1, 2, 3);

    private final Map<Integer, RaftCore> cores = new TreeMap<>();
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    private RaftCore leader;
    private byte[] command;

    @Setup(Level.Trial)
    public void electLeader() {
        for (int id : VOTERS) cores.put(id, new RaftCore(RaftConfig.defaults(id, VOTERS), new Random(id)));
        // Tick node 1 alone until it campaigns, then let the messages settle: it wins (pre-vote, then vote).
        RaftCore candidate = cores.get(1);
        for (int tick = 0; tick < 10_000 && candidate.role() != Role.LEADER; tick++) {
            candidate.tick();
            settle();
        }
        if (candidate.role() != Role.LEADER) throw new IllegalStateException("no leader after 10,000 ticks: " + candidate);
        leader = candidate;
        settle(); // commits the leader's no-op everywhere
        command = new byte[100];
        new Random(42).nextBytes(command);
    }

    @Benchmark
    public long proposeAndCommit() {
        ProposeResult result = leader.propose(command);
        if (!(result instanceof ProposeResult.Accepted)) throw new IllegalStateException("proposal refused: " + result);
        settle();
        long committed = leader.commitIndex();
        if (committed % COMPACT_EVERY_ENTRIES == 0) compactAll();
        return committed;
    }

    /** Drains every core's Ready and delivers every message until nothing is left to do. */
    private void settle() {
        boolean progressed = true;
        while (progressed) {
            progressed = false;
            for (RaftCore core : cores.values()) {
                while (core.hasReady()) {
                    Ready ready = core.ready();
                    inFlight.addAll(ready.messagesNow());
                    core.persisted(ready); // storage is instant here
                    inFlight.addAll(ready.messagesAfterPersist());
                    progressed = true;
                }
            }
            Message message;
            while ((message = inFlight.poll()) != null) {
                cores.get(message.to()).step(message);
                progressed = true;
            }
        }
    }

    private void compactAll() {
        for (RaftCore core : cores.values()) {
            long applied = core.appliedIndex();
            if (applied > core.snapshot().lastIndex()) {
                core.compact(new Snapshot(applied, core.termAt(applied)));
            }
        }
    }
}
