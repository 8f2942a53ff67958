package io.kvbench.bench.proc;

import java.util.regex.Pattern;

/**
 * The kinds of thread whose CPU a run reports apart, told by the thread's name as /proc shows it ({@code comm}: the
 * Java thread name, cut to 15 characters). A kvnode's write path runs on its event loop (Netty's
 * {@code DefaultThreadFactory} names it {@code kvnode-<id>-<pool>-<n>}: every socket and the consensus core) and its
 * WAL thread ({@code wal-<data folder>}: the writes and fsyncs); the generator's on its client's event loops
 * ({@code kvnode-target-<pool>-<n>}, which /proc cuts to {@code kvnode-target-<pool>}; a KvClient's own,
 * {@code kvclient-<pool>-<n>}; they also pace and send, by default) and its {@code load-sender-<n>} threads (with
 * {@code --pacing threads}). The JVM's own work is split off because it
 * is not the write path's: the JIT compilers (a fresh JVM compiles for tens of seconds) and GC with the VM thread
 * (safepoints; the serial collector runs there).
 */
public enum ThreadClass {
    EVENT_LOOP("event_loop"),
    WAL("wal"),
    LOAD_SENDER("load_sender"),
    JIT("jit"),
    GC_VM("gc_vm"),
    /** Everything else, and the CPU of threads that exited during the span (only the process's total keeps it). */
    OTHER("other");

    /** Netty's DefaultThreadFactory: {@code <pool name>-<pool id>-<thread id>}. */
    private static final Pattern NETTY_EVENT_LOOP = Pattern.compile(".+-\\d+-\\d+");

    private final String label;

    ThreadClass(String label) {
        this.label = label;
    }

    /** The name in cpu.csv's {@code thread_class} column. */
    public String label() {
        return label;
    }

    /** The class of a thread named {@code name} in /proc. */
    public static ThreadClass of(String name) {
        if (name.startsWith("wal-prealloc")) return OTHER; // fills the next segment with zeros, off the write path
        if (name.startsWith("wal-")) return WAL;
        if (name.startsWith("load-sender-")) return LOAD_SENDER;
        if (name.startsWith("kvnode-target-")) return EVENT_LOOP; // the generator's Netty loops, name cut short
        if (name.startsWith("multiThreadIoEv")) return EVENT_LOOP; // Netty's default pool name (the etcd target's)
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) return JIT;
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")
                || name.startsWith("VM Periodic")) {
            return GC_VM;
        }
        if (NETTY_EVENT_LOOP.matcher(name).matches()) return EVENT_LOOP;
        return OTHER;
    }
}
