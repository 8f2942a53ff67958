package io.kvbench.bench.reference;

import io.kvbench.bench.kvnode.NodeJit;
import io.kvbench.bench.load.LoadGenerator;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.target.KvnodeTarget;
import io.kvbench.bench.target.Target;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Drives a freshly started kvnode cluster with unmeasured load until every node's JIT compiler has gone quiet, so
 * the scenarios that follow measure compiled code, not the compiling of it.
 * <p>
 * Why: the first scenario on a fresh cluster is the sequential one, and it used to get 5 s of warm-up while the
 * nodes' compilers (at nice 19, on two shared cores) kept working for far longer. Four 30 s runs of sequential
 * writes from a fresh cluster: p50 per 3 s of 552-1,330 us in seconds 5-14 against 465-709 us in seconds 20-29, p99
 * 4-9 ms against 1-3.5 ms. A fixed longer warm-up would guess; the nodes report their compilation totals
 * ({@code jitCompileMillis}, see {@link NodeJit}), so this waits for them instead, alternating one client and
 * sixteen so both the sequential and the batched paths compile. Each scenario's {@code node-status.json} keeps the
 * totals before and after it, so a reader can check how quiet the measured interval itself was.
 */
final class JitWarmup {
    /** Load per round; the quiet test compares the totals before and after one round. */
    static final Duration ROUND_DURATION = Duration.ofSeconds(3);
    /**
     * A node is quiet in a round when its compilers added at most this much (2 % of the round, summed over its
     * compiler threads). Compilation never stops entirely: rarely taken branches still trap and recompile.
     */
    static final long QUIET_MILLIS_PER_ROUND = 60;
    /** Quiet rounds in a row that end the warm-up: one with each client count, so both paths are settled. */
    static final int QUIET_ROUNDS_TO_STOP = 2;
    /** Gives up (and says so) after this much warm-up: the scenarios then run on whatever state the nodes are in. */
    static final Duration MAX_WARMUP = Duration.ofSeconds(120);
    static final int[] CLIENTS_BY_ROUND = {1, 16};

    /** What the warm-up did, for the run's reference.json. */
    record Result(int rounds, double seconds, boolean quiet, List<String> readingsByRound) {
        Map<String, Object> describe() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("rounds", rounds);
            map.put("seconds", seconds);
            map.put("quiet", quiet);
            map.put("roundSeconds", ROUND_DURATION.toSeconds());
            map.put("quietMillisPerRound", QUIET_MILLIS_PER_ROUND);
            map.put("quietRoundsToStop", QUIET_ROUNDS_TO_STOP);
            map.put("nodesJitCompileMillisAfterEachRound", readingsByRound);
            return map;
        }
    }

    /** One round of unmeasured load with this many clients. */
    interface Round {
        void run(int roundNumber, int clients) throws Exception;
    }

    /** The nodes' totals now; throws when a node does not answer. */
    interface Reading {
        long[] read() throws IOException;
    }

    private JitWarmup() {
    }

    /**
     * True when, between the two readings, no node's compilation total grew by more than
     * {@link #QUIET_MILLIS_PER_ROUND}, and at least one node could be compared. A node that reports no total in either
     * reading is skipped (it cannot be waited for); one that reported a total in only one of them is not quiet.
     */
    static boolean quiet(long[] before, long[] after) {
        if (before.length != after.length) throw new IllegalArgumentException("readings of different clusters");
        int compared = 0;
        for (int node = 0; node < before.length; node++) {
            boolean reportedBefore = before[node] >= 0;
            boolean reportedAfter = after[node] >= 0;
            if (!reportedBefore && !reportedAfter) continue;
            if (reportedBefore != reportedAfter) return false;
            if (after[node] - before[node] > QUIET_MILLIS_PER_ROUND) return false;
            compared++;
        }
        return compared > 0;
    }

    /** Warms {@code nodes} with closed-loop rounds built from {@code baseSpec}; raw round outputs under {@code rawOutput}. */
    static Result run(List<InetSocketAddress> nodes, Supplier<LoadSpec.Builder> baseSpec, Path rawOutput) throws Exception {
        Round round = (roundNumber, clients) -> {
            LoadSpec spec = ReferenceRuns.closedLoop(baseSpec.get().duration(ROUND_DURATION).warmup(Duration.ZERO), clients);
            try (Target target = new KvnodeTarget(nodes, clients, 1, ReferenceRuns.OPERATION_TIMEOUT)) {
                target.open();
                LoadGenerator.run(spec, target, rawOutput.resolve("jit-warmup").resolve("round-" + roundNumber));
            }
        };
        return untilQuiet(round, () -> NodeJit.compileMillis(nodes), MAX_WARMUP, System::nanoTime);
    }

    /**
     * Runs rounds, alternating {@link #CLIENTS_BY_ROUND}, and reads the totals after each, until
     * {@link #QUIET_ROUNDS_TO_STOP} quiet rounds in a row or {@code maxWarmup}. A reading that fails (a node did not
     * answer) makes its round, and the next, not quiet: the warm-up goes on rather than end on a guess.
     */
    static Result untilQuiet(Round round, Reading reading, Duration maxWarmup, LongSupplier nanoClock) throws Exception {
        long startNanos = nanoClock.getAsLong();
        List<String> readings = new ArrayList<>();
        long[] previous = readOrNull(reading, readings);
        int rounds = 0;
        int quietInARow = 0;
        while (quietInARow < QUIET_ROUNDS_TO_STOP && nanoClock.getAsLong() - startNanos < maxWarmup.toNanos()) {
            round.run(rounds + 1, CLIENTS_BY_ROUND[rounds % CLIENTS_BY_ROUND.length]);
            rounds++;
            long[] current = readOrNull(reading, readings);
            boolean quiet = previous != null && current != null && quiet(previous, current);
            quietInARow = quiet ? quietInARow + 1 : 0;
            previous = current;
        }
        return new Result(rounds, (nanoClock.getAsLong() - startNanos) / 1e9, quietInARow >= QUIET_ROUNDS_TO_STOP,
                readings.subList(Math.min(1, readings.size()), readings.size()));
    }

    /** A reading, recorded as text (the failure's message where it failed); null when it failed. */
    private static long[] readOrNull(Reading reading, List<String> readings) {
        try {
            long[] totals = reading.read();
            readings.add(Arrays.toString(totals));
            return totals;
        } catch (IOException e) {
            ReferenceRuns.log("JIT warm-up: " + e.getMessage());
            readings.add("failed: " + e.getMessage());
            return null;
        }
    }
}
