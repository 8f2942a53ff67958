package io.kvbench.bench.proc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What each process, and each kind of thread in it ({@link ThreadClass}), spent between two {@link CpuUsage}
 * samples, and the same per operation acknowledged between them. A process that could not be read at both ends (or
 * whose pid was reused between them), or whose pid was never known, is <em>unmeasured</em>: it is named with the
 * reason, and the total over all processes is then not given (a total that left a node out would look like a win).
 *
 * <p>Within a process the thread classes' CPU adds up to the process's own total: a live thread's time is its own
 * difference (a thread born in the span counts from zero); what the process spent beyond its live threads (threads
 * that exited during the span; and the rounding of per-thread tick counts, a tick or so per busy thread) goes to
 * {@link ThreadClass#OTHER}'s CPU. User and system time are each group's own figures: the kernel splits a thread's
 * time and the process's time into user and system separately (by sampling), so the threads' splits do not add up to
 * the process's, and the split of the time beyond the live threads is not known (it is in neither). Context switches
 * are summed over the live threads only: /proc keeps no process total of them, so an exited thread's are missed.
 *
 * @param operations        operations acknowledged in the span (the divisor)
 * @param spanSeconds       from the first sample to the second
 * @param names             every process, in report order, measured or not
 * @param processes         the measured processes, in report order
 * @param unmeasured        the others, by name, with why
 * @param machineBusyPercent the whole machine's CPUs busy over the span (0-100), whoever used them
 */
public record CpuCost(long operations, double spanSeconds, List<String> names, List<ProcessCost> processes,
        Map<String, String> unmeasured, double machineBusyPercent) {

    private static final double MICROS_PER_TICK = 1_000_000.0 / CpuUsage.TICKS_PER_SECOND;

    public CpuCost {
        names = List.copyOf(names);
        processes = List.copyOf(processes);
        unmeasured = Collections.unmodifiableMap(new LinkedHashMap<>(unmeasured));
    }

    /**
     * Ticks and switches of one group of threads over the span. {@code cpuTicks} is the CPU; {@code userTicks} and
     * {@code systemTicks} its split as the group's own /proc figures give it (see the class comment: for a thread
     * class they need not add up to its CPU).
     */
    public record Usage(int threads, long cpuTicks, long userTicks, long systemTicks, long voluntarySwitches,
            long involuntarySwitches) {
        static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);

        Usage plus(Usage other) {
            return new Usage(threads + other.threads, cpuTicks + other.cpuTicks, userTicks + other.userTicks,
                    systemTicks + other.systemTicks, voluntarySwitches + other.voluntarySwitches,
                    involuntarySwitches + other.involuntarySwitches);
        }
    }

    /**
     * One process: its total ({@code usage}: ticks from its own stat line, switches and thread count from its live
     * threads) and its thread classes, in {@link ThreadClass} order, those with a thread or a tick only.
     */
    public record ProcessCost(String name, long pid, Usage usage, Map<ThreadClass, Usage> threadClasses) {
        public ProcessCost {
            threadClasses = Collections.unmodifiableMap(new EnumMap<>(threadClasses));
        }
    }

    /** The cost between {@code before} and {@code after} of {@code processes}, per {@code operations}. */
    public static CpuCost between(CpuUsage.Sample before, CpuUsage.Sample after, long operations,
            MeasuredProcesses processes) {
        List<ProcessCost> measured = new ArrayList<>();
        Map<String, String> unmeasured = new LinkedHashMap<>();
        for (String name : processes.names()) {
            if (!processes.pidsByName().containsKey(name)) {
                unmeasured.put(name, processes.unknownReason());
                continue;
            }
            CpuUsage.ProcessSample first = before.processes().get(name);
            CpuUsage.ProcessSample last = after.processes().get(name);
            if (first == null || last == null || first.startTicks() != last.startTicks()) {
                unmeasured.put(name, "pid " + processes.pidsByName().get(name)
                        + " not readable in /proc at both ends of the span (gone, restarted, or not Linux)");
                continue;
            }
            measured.add(process(first, last));
        }
        long machineTotal = after.machineTotalTicks() - before.machineTotalTicks();
        long machineBusy = after.machineBusyTicks() - before.machineBusyTicks();
        return new CpuCost(operations, (after.nanoTime() - before.nanoTime()) / 1e9, processes.names(), measured,
                unmeasured, machineTotal <= 0 ? 0 : 100.0 * machineBusy / machineTotal);
    }

    private static ProcessCost process(CpuUsage.ProcessSample first, CpuUsage.ProcessSample last) {
        Map<ThreadClass, Usage> classes = new EnumMap<>(ThreadClass.class);
        Usage liveThreads = Usage.NONE;
        for (CpuUsage.ThreadSample thread : last.threads().values()) {
            CpuUsage.ThreadSample earlier = first.threads().get(thread.tid());
            boolean sameThread = earlier != null && earlier.startTicks() == thread.startTicks();
            long userTicks = thread.userTicks() - (sameThread ? earlier.userTicks() : 0);
            long systemTicks = thread.systemTicks() - (sameThread ? earlier.systemTicks() : 0);
            Usage usage = new Usage(1, userTicks + systemTicks, userTicks, systemTicks,
                    thread.voluntarySwitches() - (sameThread ? earlier.voluntarySwitches() : 0),
                    thread.involuntarySwitches() - (sameThread ? earlier.involuntarySwitches() : 0));
            classes.merge(ThreadClass.of(thread.name()), usage, Usage::plus);
            liveThreads = liveThreads.plus(usage);
        }
        long userTicks = last.userTicks() - first.userTicks();
        long systemTicks = last.systemTicks() - first.systemTicks();
        long beyondLiveThreadsTicks = userTicks + systemTicks - liveThreads.cpuTicks();
        if (beyondLiveThreadsTicks != 0) {
            classes.merge(ThreadClass.OTHER, new Usage(0, beyondLiveThreadsTicks, 0, 0, 0, 0), Usage::plus);
        }
        Usage total = new Usage(liveThreads.threads(), userTicks + systemTicks, userTicks, systemTicks,
                liveThreads.voluntarySwitches(), liveThreads.involuntarySwitches());
        return new ProcessCost(last.name(), last.pid(), total, classes);
    }

    /** CPU milliseconds of {@code ticks}. */
    public static double millis(long ticks) {
        return ticks * MICROS_PER_TICK / 1000;
    }

    /** CPU microseconds of {@code ticks} per operation; NaN without operations. */
    public double microsPerOperation(long ticks) {
        return operations == 0 ? Double.NaN : ticks * MICROS_PER_TICK / operations;
    }

    /** Switches (or any count) per operation; NaN without operations. */
    public double perOperation(long count) {
        return operations == 0 ? Double.NaN : (double) count / operations;
    }

    /** CPU microseconds of every process together per operation; empty when one is unmeasured or nothing was acknowledged. */
    public OptionalDouble totalMicrosPerOperation() {
        if (!unmeasured.isEmpty() || operations == 0) return OptionalDouble.empty();
        return OptionalDouble.of(microsPerOperation(processes.stream().mapToLong(p -> p.usage().cpuTicks()).sum()));
    }

    /**
     * CPU ticks of a process beyond its JIT compiler threads: a fresh JVM compiles for tens of seconds, and how much
     * of that falls into a short run's span varies from run to run, so a comparison of versions reads this beside the
     * whole (and a warm node's JIT share is near zero, so there the two agree).
     */
    public static long ticksWithoutJit(ProcessCost process) {
        Usage jit = process.threadClasses().get(ThreadClass.JIT);
        return process.usage().cpuTicks() - (jit == null ? 0 : jit.cpuTicks());
    }

    /** As {@link #totalMicrosPerOperation()}, without the JIT compiler threads ({@link #ticksWithoutJit}). */
    public OptionalDouble totalMicrosPerOperationWithoutJit() {
        if (!unmeasured.isEmpty() || operations == 0) return OptionalDouble.empty();
        return OptionalDouble.of(microsPerOperation(processes.stream().mapToLong(CpuCost::ticksWithoutJit).sum()));
    }

    /** Voluntary context switches of every process together per operation; empty as {@link #totalMicrosPerOperation()}. */
    public OptionalDouble totalVoluntarySwitchesPerOperation() {
        if (!unmeasured.isEmpty() || operations == 0) return OptionalDouble.empty();
        return OptionalDouble.of(perOperation(processes.stream().mapToLong(p -> p.usage().voluntarySwitches()).sum()));
    }

    /** The measured process of that name, or null. */
    public ProcessCost process(String name) {
        return processes.stream().filter(process -> process.name().equals(name)).findFirst().orElse(null);
    }

    /** For a JSON file (the reference runs' cpu.json): the figures by name, absent where unmeasured. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("spanSeconds", spanSeconds);
        map.put("operations", operations);
        Map<String, Object> perOperation = new LinkedHashMap<>();
        Map<String, Object> switchesPerOperation = new LinkedHashMap<>();
        Map<String, Object> classesPerOperation = new LinkedHashMap<>();
        for (ProcessCost process : processes) {
            map.put(process.name() + "CpuMillis", millis(process.usage().cpuTicks()));
            if (operations == 0) continue;
            perOperation.put(process.name(), microsPerOperation(process.usage().cpuTicks()));
            switchesPerOperation.put(process.name(), perOperation(process.usage().voluntarySwitches()));
            Map<String, Object> classes = new LinkedHashMap<>();
            process.threadClasses().forEach((threadClass, usage) ->
                    classes.put(threadClass.label(), microsPerOperation(usage.cpuTicks())));
            classesPerOperation.put(process.name(), classes);
        }
        if (operations > 0) {
            map.put("cpuMicrosPerOperation", perOperation);
            map.put("voluntarySwitchesPerOperation", switchesPerOperation);
            map.put("cpuMicrosPerOperationByThreadClass", classesPerOperation);
        }
        totalMicrosPerOperation().ifPresent(total -> map.put("cpuMicrosPerOperationAllListedProcesses", total));
        if (!unmeasured.isEmpty()) map.put("unmeasured", unmeasured);
        map.put("machineBusyPercent", machineBusyPercent);
        return map;
    }
}
