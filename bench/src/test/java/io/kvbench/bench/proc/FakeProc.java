package io.kvbench.bench.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A directory laid out like Linux /proc, as far as {@link CpuUsage} reads it (proc(5)). */
public final class FakeProc {
    private final Path root;

    public FakeProc(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** {@code <pid>/stat}: the process's own utime and stime, exited threads included. */
    public FakeProc process(long pid, String name, long startTicks, long userTicks, long systemTicks) {
        write(root.resolve(Long.toString(pid)).resolve("stat"), statLine(pid, name, startTicks, userTicks, systemTicks));
        return this;
    }

    /** {@code <pid>/task/<tid>/stat} and {@code status}. */
    public FakeProc thread(long pid, long tid, String name, long startTicks, long userTicks, long systemTicks,
            long voluntarySwitches, long involuntarySwitches) {
        Path task = root.resolve(Long.toString(pid)).resolve("task").resolve(Long.toString(tid));
        write(task.resolve("stat"), statLine(tid, name, startTicks, userTicks, systemTicks));
        write(task.resolve("status"), "Name:\t" + name + "\nState:\tS (sleeping)\nTgid:\t" + pid + "\nPid:\t" + tid
                + "\nThreads:\t9\nvoluntary_ctxt_switches:\t" + voluntarySwitches + "\nnonvoluntary_ctxt_switches:\t"
                + involuntarySwitches + "\n");
        return this;
    }

    /** {@code <pid>/task/<tid>/schedstat}: on-CPU ns, run-queue wait ns, timeslices. */
    public FakeProc schedstat(long pid, long tid, long onCpuNanos, long runQueueWaitNanos) {
        write(root.resolve(Long.toString(pid)).resolve("task").resolve(Long.toString(tid)).resolve("schedstat"),
                onCpuNanos + " " + runQueueWaitNanos + " 17\n");
        return this;
    }

    /** The thread has exited: its task folder is gone. */
    public FakeProc threadExited(long pid, long tid) {
        deleteRecursively(root.resolve(Long.toString(pid)).resolve("task").resolve(Long.toString(tid)));
        return this;
    }

    /** The process has exited: its folder is gone. */
    public FakeProc processExited(long pid) {
        deleteRecursively(root.resolve(Long.toString(pid)));
        return this;
    }

    /** The first line of {@code stat}: all CPUs' user, nice, system, idle, iowait, irq, softirq and steal ticks. */
    public FakeProc machine(long user, long system, long idle, long iowait) {
        write(root.resolve("stat"), "cpu  " + user + " 0 " + system + " " + idle + " " + iowait + " 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n");
        return this;
    }

    /** A stat line as Linux writes it: the fields after the name count from its last ')'. */
    static String statLine(long id, String name, long startTicks, long userTicks, long systemTicks) {
        return id + " (" + name + ") S 1 1 1 0 -1 4194560 100 0 0 0 " + userTicks + " " + systemTicks
                + " 0 0 20 0 9 0 " + startTicks + " 3000000000 40000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
