package io.kvbench.node.local;

import io.kvbench.node.NodeTuning;

import java.util.List;

/**
 * The local nodes' JVM options, one set per purpose, chosen here and nowhere else (each command that starts nodes
 * names its purpose; {@code --jvm-opts} and {@code --node-jvm-opts} override them). Why each option, as measured:
 * <ul>
 *   <li>{@link #FAILOVER} (chaos campaigns, {@code kvbench demo} and {@code gate}, the suite's real-process tests):
 *   small heaps and the serial collector, because several nodes share two cores with the harness and its clients, and
 *   a kill -9 closes a process's sockets only after the kernel has unmapped its memory, page by page, so a smaller
 *   resident set is a faster failover. The heap on transparent huge pages for the same reason: a killed node's
 *   connections closed after 7.9 ms instead of 9.8 (p50 of 6), and 2.5 instead of 9.0 ms for a plain JVM holding
 *   40 MB; where the kernel has no transparent huge pages the JVM says so and goes on without. The JIT stops at C1
 *   (as since the first local cluster, for the shared cores; there is no A/B of it alone on record): the node's
 *   start-up warm-up runs its 1000 rounds only on such a JVM, where they were measured to shorten failover
 *   ({@code LeaderPathWarmup}).</li>
 *   <li>{@link #THROUGHPUT} ({@code kvbench load}'s own cluster, the reference runs, the rate sweep): C2 and a larger
 *   heap, since there the nodes' throughput ceiling is what is measured; the start-up warm-up is 20 rounds there
 *   (with C2 the 1000 rounds slowed the first seconds of load: sequential-write p50, 4 interleaved pairs from a
 *   fresh cluster, 877/912/949/815 us with 1000 vs 691/728/560/731 us with 20). {@code kvbench load} starts its own
 *   cluster with these so its figures compare with the reference runs'.</li>
 *   <li>{@link #STANDING} ({@code kvbench cluster start}, a cluster that outlives the command for a user's own use):
 *   C2, a 512 MB heap, the serial collector, and the heap on huge pages (kill -9 closes sockets sooner, as above).</li>
 * </ul>
 * All three make the thread priorities real ({@link NodeTuning#THREAD_PRIORITY_JVM_OPTIONS}): a node's event loop and
 * WAL thread at nice -5, its JIT compiler threads at nice 19. On two shared cores a node restarted a second earlier is
 * still compiling when the next leader dies; at equal priority its compiler threads delayed the survivors' election
 * by milliseconds at each step. Interleaved 3 x 30 leader kills: unavailability p50 33.4 instead of 40.6 ms; the
 * reference runs on 57e53cb, back to back: sequential p50 502 vs 628 us, p99 3.6 vs 7.7 ms, peak with 16 clients
 * 10,482 vs 9,304/s, with 64 clients 29,873 vs 25,277/s. Raising a priority needs root or CAP_SYS_NICE; without it
 * the JVM warns once and applies only the lowered compiler priority.
 */
public final class NodeJvmOptions {
    public static final String FAILOVER = "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
            + " -XX:+UseTransparentHugePages " + NodeTuning.THREAD_PRIORITY_JVM_OPTIONS;
    public static final String THROUGHPUT = "-Xms256m -Xmx1g " + NodeTuning.THREAD_PRIORITY_JVM_OPTIONS;
    public static final String STANDING = "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:+UseTransparentHugePages "
            + NodeTuning.THREAD_PRIORITY_JVM_OPTIONS;

    private NodeJvmOptions() {
    }

    /** Options written as one string (a command-line value), one element per option; blank gives none. */
    public static List<String> split(String options) {
        return options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }
}
