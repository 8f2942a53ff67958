package io.kvbench.bench.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How long the threads of a run's processes were runnable but waiting for a CPU (the kernel's run-queue wait), and how
 * long they ran, summed over every live thread of every process, from {@code /proc/<pid>/task/<tid>/schedstat}: on-CPU
 * nanoseconds, run-queue nanoseconds, timeslices (the kernel's {@code Documentation/scheduler/sched-stats.rst}).
 *
 * <p>Why: on a machine whose cores are shared by the nodes and the generator, a request can wait for the thread that
 * would handle it to be given a CPU. That wait is no one's work, so CPU per write does not show it; summed per second
 * beside the latency percentiles ({@code timeseries.csv}), it says whether a second's tail came from the scheduler
 * (issue 19's open-loop tails) rather than from a stall of one process (GC, a snapshot, an fsync). Thread ids of threads
 * that exited between two samples drop out of the sum: a difference of two samples is a lower bound of the wait.
 *
 * <p>Needs a kernel with schedstats (CONFIG_SCHED_INFO; every distribution kernel); where the files cannot be read the
 * sample is {@link Sample#UNREADABLE} and the columns stay empty.
 */
public final class SchedulerWait {

    /**
     * @param onCpuNanos         time the threads ran
     * @param runQueueWaitNanos  time they were runnable and waited for a CPU
     * @param readable           false when no schedstat file could be read (not Linux, no schedstats)
     */
    public record Sample(long onCpuNanos, long runQueueWaitNanos, boolean readable) {
        public static final Sample UNREADABLE = new Sample(0, 0, false);

        /** This sample minus an earlier one; unreadable if either is. */
        public Sample minus(Sample earlier) {
            if (!readable || !earlier.readable) return UNREADABLE;
            return new Sample(Math.max(0, onCpuNanos - earlier.onCpuNanos),
                    Math.max(0, runQueueWaitNanos - earlier.runQueueWaitNanos), true);
        }
    }

    private SchedulerWait() {
    }

    /** The sum over the named processes' live threads, in the real /proc. */
    public static Sample sample(Map<String, Long> pidsByName) {
        return sample(CpuUsage.PROC, pidsByName);
    }

    /** The same in a tree laid out as /proc (tests). */
    public static Sample sample(Path procRoot, Map<String, Long> pidsByName) {
        long onCpu = 0;
        long waiting = 0;
        boolean readable = false;
        for (long pid : pidsByName.values()) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(procRoot.resolve(Long.toString(pid)).resolve("task"))) {
                for (Path task : tasks) {
                    long[] fields = read(task.resolve("schedstat"));
                    if (fields == null) continue;
                    onCpu += fields[0];
                    waiting += fields[1];
                    readable = true;
                }
            } catch (IOException | RuntimeException e) {
                // the process is gone or not readable: it adds nothing
            }
        }
        return readable ? new Sample(onCpu, waiting, true) : Sample.UNREADABLE;
    }

    /** {on-CPU ns, run-queue ns} of one thread, or null if it exited while read or the line is not schedstat's. */
    static long[] read(Path schedstat) {
        try {
            String[] fields = Files.readString(schedstat).trim().split("\\s+");
            if (fields.length < 2) return null;
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
