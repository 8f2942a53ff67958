package io.kvbench.bench.reference;

import io.kvbench.bench.kvnode.NodeJit;
import io.kvbench.bench.load.LoadGenerator;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.target.KvnodeTarget;
import io.kvbench.bench.target.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives a freshly started kvnode cluster with unmeasured load until every node's JIT compiler has gone quiet, so
 * the scenarios that follow measure compiled code, not the compiling of it.
 * <p>
 * Why: a node's JIT keeps compiling its request path for 15-25 s of sequential writes on this 2-core machine (its
 * compiler threads run at nice 19 and get what the event loops leave). The first scenario on a fresh cluster
 * used to be the sequential one, with 5 s of warm-up: measured from a fresh cluster, sequential p50 per 3 s was
 * 800-1,000 us in seconds 5-15 and 550-600 us from second 20 on (same build, same machine state). A fixed longer
 * warm-up would guess; the nodes report their total compilation time in their status ({@code jitCompileMillis}),
 * so this waits for it instead, alternating one client and sixteen so both the sequential and the batched paths
 * compile. Each scenario's {@code node-status.json} keeps the before and after totals, so a reader can check that
 * the measured interval itself was quiet.
 */
final class JitWarmup {
    /** Load per round; the quiet test compares the totals before and after one round. */
    static final Duration ROUND = Duration.ofSeconds(3);
    /**
     * A node is quiet when its compilers added at most this much time in a round (2 % of the round). Compilation
     * never stops entirely (rarely taken branches still trap and recompile), and the total is wall time at nice
     * 19, so it grows slowly even for small compiles.
     */
    static final long QUIET_MILLIS_PER_ROUND = 60;
    /** Gives up (and says so) after this much warm-up: the scenarios then run on whatever state the nodes are in. */
    static final Duration MAX = Duration.ofSeconds(90);
    private static final int[] CLIENTS_BY_ROUND = {1, 16};

    /** What the warm-up did, for the run's reference.json. */
    record Result(int rounds, double seconds, boolean quiet, List<long[]> compileMillisByRound) {
        Map<String, Object> describe() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("rounds", rounds);
            map.put("seconds", seconds);
            map.put("quiet", quiet);
            map.put("roundSeconds", ROUND.toSeconds());
            map.put("quietMillisPerRound", QUIET_MILLIS_PER_ROUND);
            map.put("nodesJitCompileMillisAfterEachRound", compileMillisByRound.stream().map(Arrays::toString).toList());
            return map;
        }
    }

    private JitWarmup() {
    }

    /**
     * True when no node's compilation total grew by more than {@link #QUIET_MILLIS_PER_ROUND} between the two
     * readings. A node that reports no total (-1) counts as quiet: it cannot be waited for.
     */
    static boolean quiet(long[] before, long[] after) {
        return NodeJit.largestGrowthMillis(before, after) <= QUIET_MILLIS_PER_ROUND;
    }

    static Result run(ReferenceRuns.KvnodeCluster cluster, LoadSpec.Builder base, Path rawOutput) throws Exception {
        long startNanos = System.nanoTime();
        List<long[]> readings = new ArrayList<>();
        long[] previous = NodeJit.compileMillis(cluster.clientAddresses());
        int rounds = 0;
        boolean quiet = false;
        while (!quiet && System.nanoTime() - startNanos < MAX.toNanos()) {
            int clients = CLIENTS_BY_ROUND[rounds % CLIENTS_BY_ROUND.length];
            LoadSpec spec = ReferenceRuns.closedLoop(base.duration(ROUND).warmup(Duration.ZERO), clients);
            try (Target target = new KvnodeTarget(cluster.clientAddresses(), clients, 1, ReferenceRuns.OPERATION_TIMEOUT)) {
                target.open();
                LoadGenerator.run(spec, target, rawOutput.resolve("jit-warmup").resolve("round-" + (rounds + 1)));
            }
            rounds++;
            long[] current = NodeJit.compileMillis(cluster.clientAddresses());
            readings.add(current);
            quiet = quiet(previous, current);
            previous = current;
        }
        return new Result(rounds, (System.nanoTime() - startNanos) / 1e9, quiet, readings);
    }
}
