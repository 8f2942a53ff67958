package io.kvbench.node;

/**
 * What the node does to be fast beside its data path, in one place: thread priorities, and before serving, the
 * request path run on scratch objects ({@link LeaderPathWarmup}) and a wait for the JIT compiler to go quiet
 * ({@link CompilerQueue}). Each has its measured reason where it is defined.
 */
public final class NodeTuning {
    /**
     * JVM options that make the node's thread priorities real: the event loop and WAL thread (Thread.MAX_PRIORITY)
     * at nice -5, the JIT compiler threads at nice 19. Raising needs root or CAP_SYS_NICE; without it the JVM warns
     * once and applies only the lowered compiler priority.
     */
    public static final String THREAD_PRIORITY_JVM_OPTIONS = "-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19";
    /**
     * The one event loop is the core thread: every message and request waits on its wake-up, so it runs at the
     * highest priority the JVM may give it (ignored unless -XX:ThreadPriorityPolicy=1 and allowed).
     */
    static final int CORE_THREAD_PRIORITY = Thread.MAX_PRIORITY;
    /** Start-up waits at most this long for the warm-up's compiling to finish (p50 89 ms of waiting on two cores). */
    private static final long MAX_COMPILE_WAIT_MILLIS = 1_000;

    /** How long the start-up tuning took, for the node's "started" event. */
    record Warmup(long warmupMicros, long compileWaitMicros) {
    }

    private NodeTuning() {
    }

    /** Before the node serves: runs the request path on scratch objects, then waits for the compiler to go quiet. */
    static Warmup warmUpBeforeServing(NodeConfig config) {
        long startNanos = System.nanoTime();
        LeaderPathWarmup.run(config);
        long compileWaitMicros = CompilerQueue.awaitIdle(MAX_COMPILE_WAIT_MILLIS);
        return new Warmup((System.nanoTime() - startNanos) / 1_000, compileWaitMicros);
    }
}
