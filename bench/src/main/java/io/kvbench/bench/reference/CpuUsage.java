package io.kvbench.bench.reference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of named processes and of the whole machine from Linux {@code /proc} (clock ticks, usually
 * 100 a second), sampled before and after a scenario: CPU milliseconds per operation say whether a target
 * is limited by its own work or by waiting (fsync, hand-offs), on a machine whose cores are shared.
 */
final class CpuUsage {
    private static final double MILLIS_PER_TICK = 10.0; // USER_HZ is 100 on Linux

    /** Ticks (user + system) per process name, and the machine's busy and total ticks. */
    record Sample(Map<String, Long> processTicks, long machineBusyTicks, long machineTotalTicks) {
    }

    private CpuUsage() {
    }

    static Sample sample(Map<String, Long> pidsByName) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (Map.Entry<String, Long> process : pidsByName.entrySet()) ticks.put(process.getKey(), processTicks(process.getValue()));
        long[] machine = machineTicks();
        return new Sample(ticks, machine[0], machine[1]);
    }

    /** CPU milliseconds per operation for each process, and the machine's busy share, between two samples. */
    static Map<String, Object> between(Sample before, Sample after, long operations) {
        Map<String, Object> result = new LinkedHashMap<>();
        long totalTicks = 0;
        for (String name : after.processTicks().keySet()) {
            long ticks = after.processTicks().get(name) - before.processTicks().getOrDefault(name, 0L);
            totalTicks += ticks;
            result.put(name + "CpuMillis", ticks * MILLIS_PER_TICK);
        }
        result.put("operations", operations);
        result.put("cpuMicrosPerOperationAllListedProcesses",
                operations == 0 ? 0 : totalTicks * MILLIS_PER_TICK * 1000 / operations);
        long machineTotal = after.machineTotalTicks() - before.machineTotalTicks();
        long machineBusy = after.machineBusyTicks() - before.machineBusyTicks();
        result.put("machineBusyPercent", machineTotal == 0 ? 0 : 100.0 * machineBusy / machineTotal);
        return result;
    }

    private static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // Fields after the command name, which may hold spaces, start at field 3 (state); utime is 14, stime 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux, or the process is gone: report nothing rather than fail the run
        }
    }

    /** {busy, total} from the first line of /proc/stat; idle and iowait count as not busy. */
    private static long[] machineTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) total += Long.parseLong(fields[i]);
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
