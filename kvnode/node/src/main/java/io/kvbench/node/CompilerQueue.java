package io.kvbench.node;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Waits for the JIT compiler to go quiet: {@link LeaderPathWarmup} queues the request path's methods for
 * compilation, and a node that starts serving before they are compiled runs them interpreted, and compiles them,
 * during the next election it takes part in.
 */
final class CompilerQueue {
    /** The compiler counts as idle once its total compilation time has not grown for this many polls in a row. */
    static final int QUIET_POLLS = 3;
    static final long POLL_MILLIS = 20;

    private CompilerQueue() {
    }

    /**
     * The JVM's total JIT compilation time in milliseconds (elapsed time in compilation, summed over the compiler
     * threads), or -1 where the JVM does not report it.
     */
    static long totalCompilationMillis() {
        CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
        if (compilation == null || !compilation.isCompilationTimeMonitoringSupported()) return -1;
        return compilation.getTotalCompilationTime();
    }

    /**
     * Returns once the compiler has been idle for {@link #QUIET_POLLS} polls {@link #POLL_MILLIS} ms apart, or after
     * about {@code maxMillis}, or at once where the JVM reports no compilation time (an interpreter-only JVM).
     * It reads the JVM's total compilation time, not a queue length: under {@code -XX:-UsePerfData} that total
     * may stay 0, and the wait ends after three polls. In a JVM holding several nodes (tests, in-process
     * benchmarks) it waits on all of them, harmlessly.
     *
     * @return how long it waited, in microseconds
     */
    static long awaitIdle(long maxMillis) {
        long startNanos = System.nanoTime();
        CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
        if (compilation == null || !compilation.isCompilationTimeMonitoringSupported()) return 0;
        pollsUntilQuiet(compilation::getTotalCompilationTime,
                () -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)), (int) (maxMillis / POLL_MILLIS));
        return (System.nanoTime() - startNanos) / 1_000;
    }

    /**
     * Reads the compiler's total time, then pauses and reads again until it has stayed the same for
     * {@link #QUIET_POLLS} reads in a row, or {@code maxPolls} pauses have passed.
     *
     * @return the pauses taken
     */
    static int pollsUntilQuiet(LongSupplier totalCompilationMillis, Runnable pause, int maxPolls) {
        long last = totalCompilationMillis.getAsLong();
        int quietPolls = 0;
        int polls = 0;
        while (quietPolls < QUIET_POLLS && polls < maxPolls) {
            pause.run();
            polls++;
            long total = totalCompilationMillis.getAsLong();
            quietPolls = total == last ? quietPolls + 1 : 0;
            last = total;
        }
        return polls;
    }
}
