package io.kvbench.bench.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and context switches of named processes and of each of their threads, and the whole machine's busy time,
 * from Linux {@code /proc}: {@code <pid>/stat} (utime + stime of the process, exited threads included),
 * {@code <pid>/task/<tid>/stat} (each live thread's utime, stime and name) and {@code <pid>/task/<tid>/status}
 * ({@code voluntary_ctxt_switches}, {@code nonvoluntary_ctxt_switches}), and the first line of {@code stat}. Two
 * samples around a measured span give the CPU each process and each kind of thread spent in it ({@link CpuCost}):
 * CPU per operation says whether a target is limited by its own work or by waiting (fsync, hand-offs), and is far
 * steadier than latency on a machine whose cores are shared.
 *
 * <p>Times are in clock ticks (USER_HZ, 100 a second on Linux). The root is a parameter so tests can lay out a
 * fake tree. A process that cannot be read (gone, not Linux) is left out of the sample; a thread that exits while
 * it is read is skipped.
 */
public final class CpuUsage {
    /** The real /proc. */
    public static final Path PROC = Path.of("/proc");
    /** USER_HZ, the unit of utime and stime in /proc: 100 on Linux whatever the kernel's own tick rate. */
    public static final long TICKS_PER_SECOND = 100;

    /**
     * One thread.
     *
     * @param startTicks when it started (field 22 of stat), so a thread id reused within a span is not taken for the
     *                   same thread
     */
    public record ThreadSample(long tid, String name, long startTicks, long userTicks, long systemTicks,
            long voluntarySwitches, long involuntarySwitches) {
    }

    /**
     * One process: its own totals (which include threads that have exited) and its live threads by thread id.
     *
     * @param startTicks when it started, so a pid reused between two samples is not taken for the same process
     */
    public record ProcessSample(String name, long pid, long startTicks, long userTicks, long systemTicks,
            Map<Long, ThreadSample> threads) {
    }

    /**
     * @param processes     the processes that could be read, by name
     * @param machineBusyTicks   all CPUs' ticks not idle and not waiting for I/O since boot
     * @param machineTotalTicks  all CPUs' ticks since boot
     * @param nanoTime      {@link System#nanoTime()} when the sample was taken
     */
    public record Sample(Map<String, ProcessSample> processes, long machineBusyTicks, long machineTotalTicks,
            long nanoTime) {
    }

    private CpuUsage() {
    }

    /** Samples the named processes in the real /proc. */
    public static Sample sample(Map<String, Long> pidsByName) {
        return sample(PROC, pidsByName);
    }

    /** Samples the named processes in the tree at {@code procRoot} laid out as /proc. */
    public static Sample sample(Path procRoot, Map<String, Long> pidsByName) {
        long nanoTime = System.nanoTime();
        Map<String, ProcessSample> processes = new LinkedHashMap<>();
        for (Map.Entry<String, Long> process : pidsByName.entrySet()) {
            ProcessSample sample = process(procRoot, process.getKey(), process.getValue());
            if (sample != null) processes.put(process.getKey(), sample);
        }
        long[] machine = machineTicks(procRoot);
        return new Sample(Collections.unmodifiableMap(processes), machine[0], machine[1], nanoTime);
    }

    private static ProcessSample process(Path procRoot, String name, long pid) {
        Path directory = procRoot.resolve(Long.toString(pid));
        try {
            Stat stat = Stat.parse(Files.readString(directory.resolve("stat")));
            Map<Long, ThreadSample> threads = new LinkedHashMap<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(directory.resolve("task"))) {
                for (Path task : tasks) {
                    ThreadSample thread = thread(task);
                    if (thread != null) threads.put(thread.tid(), thread);
                }
            } catch (IOException e) {
                // no task directory readable: the process's own totals still stand (every thread counts as "other")
            }
            return new ProcessSample(name, pid, stat.startTicks, stat.userTicks, stat.systemTicks,
                    Collections.unmodifiableMap(threads));
        } catch (IOException | RuntimeException e) {
            return null; // not Linux, or the process is gone: report nothing rather than fail the run
        }
    }

    private static ThreadSample thread(Path task) {
        try {
            long tid = Long.parseLong(task.getFileName().toString());
            Stat stat = Stat.parse(Files.readString(task.resolve("stat")));
            long voluntary = 0;
            long involuntary = 0;
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) voluntary = statusValue(line);
                else if (line.startsWith("nonvoluntary_ctxt_switches:")) involuntary = statusValue(line);
            }
            return new ThreadSample(tid, stat.name, stat.startTicks, stat.userTicks, stat.systemTicks, voluntary,
                    involuntary);
        } catch (IOException | RuntimeException e) {
            return null; // the thread exited while it was read, or the entry is not a thread
        }
    }

    private static long statusValue(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
    }

    /** The fields of a stat line this class uses. */
    private record Stat(String name, long userTicks, long systemTicks, long startTicks) {
        /**
         * {@code pid (name) state ppid ...}: the name may hold spaces and parentheses, so the fields after it are
         * counted from the last ')'; there state is field 3, utime 14, stime 15, starttime 22 (proc(5)).
         */
        static Stat parse(String line) {
            int open = line.indexOf('(');
            int close = line.lastIndexOf(')');
            String[] fields = line.substring(close + 2).trim().split(" ");
            return new Stat(line.substring(open + 1, close), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                    Long.parseLong(fields[19]));
        }
    }

    /** {busy, total} from the first line of stat; idle and iowait count as not busy. */
    private static long[] machineTicks(Path procRoot) {
        try {
            List<String> lines = Files.readAllLines(procRoot.resolve("stat"));
            String[] fields = lines.get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) total += Long.parseLong(fields[i]);
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
