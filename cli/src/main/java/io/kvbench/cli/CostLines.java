package io.kvbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.floor.MajorityWriteSkeleton;
import io.kvbench.bench.load.LoadMode;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.proc.CpuCost;
import io.kvbench.bench.proc.MeasuredProcesses;
import io.kvbench.bench.proc.ThreadClass;
import io.kvbench.chaos.cluster.LocalKvCluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code kvbench load} and the demo print about a run's yardsticks and cost: the floor (majority-write and
 * single-fsync, with the latency as multiples of each) and the CPU per acknowledged write of every process, split by
 * thread class, with voluntary context switches beside it.
 */
final class CostLines {
    /** When the floor of {@code kvbench load}, the demo and the gate is measured: said beside it. */
    static final String FLOOR_TIMING = "measured before the load, the nodes idle";

    private CostLines() {
    }

    /** A local cluster's node processes ({@code node<id>}) and this JVM, the generator. */
    static MeasuredProcesses processes(LocalKvCluster cluster) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (int nodeId : cluster.nodeIds()) pids.put(MeasuredProcesses.node(nodeId), cluster.pid(nodeId));
        return MeasuredProcesses.withGenerator(pids);
    }

    /**
     * The floors and the latency over each; {@code where} says whose disk was measured (e.g. "the local cluster's
     * data directory").
     */
    static List<String> floorLines(FloorResult floor, LoadSummary summary, String where) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "floor (%s; %d nodes sharing one disk, %s, over loopback):",
                FLOOR_TIMING, floor.clusterSize(), where));
        lines.add(String.format(Locale.ROOT, "  majority write: 2 x rtt p50 %.0f us + fsync of %d at once, the majority's, p50 %.0f us"
                        + " = %.0f us (p99: 2 x %.0f + %.0f = %.0f us)", floor.roundTripMicrosP50(), floor.clusterSize(),
                floor.contendedFsyncMicrosP50(), floor.majorityWriteFloorMicros(), floor.roundTripMicrosP99(),
                floor.contendedFsyncMicrosP99(), floor.majorityWriteFloorMicrosP99()));
        lines.add(String.format(Locale.ROOT, "  single fsync: fsync p50 %.0f us + rtt p50 %.0f us = %.0f us",
                floor.fsyncMicrosP50(), floor.roundTripMicrosP50(), floor.singleFsyncFloorMicros()));
        lines.add(String.format(Locale.ROOT, "latency over the majority-write floor: p50 %.2fx, p99 %.2fx (p99 over its p99 floor);"
                        + " over the single-fsync floor: p50 %.2fx", summary.latencyMicrosP50() / floor.majorityWriteFloorMicros(),
                summary.latencyMicrosP99() / floor.majorityWriteFloorMicrosP99(),
                summary.latencyMicrosP50() / floor.singleFsyncFloorMicros()));
        return lines;
    }

    /**
     * CPU per acknowledged write over the measured span, per process (the node that was leader when the run ended
     * named) and thread class.
     */
    static List<String> cpuLines(CpuCost cpu, Integer leaderNodeId) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "CPU per acknowledged write over the measured span (%.1f s, %d writes; machine %.0f %% busy):",
                cpu.spanSeconds(), cpu.operations(), cpu.machineBusyPercent()));
        if (cpu.operations() == 0) {
            lines.add("  no write acknowledged in the span: no figure");
            return lines;
        }
        if (cpu.totalMicrosPerOperation().isPresent()) {
            lines.add(String.format(Locale.ROOT, "  all processes: %.1f us (%.1f without JIT compiling), %.1f voluntary context switches",
                    cpu.totalMicrosPerOperation().getAsDouble(), cpu.totalMicrosPerOperationWithoutJit().getAsDouble(),
                    cpu.totalVoluntarySwitchesPerOperation().getAsDouble()));
        }
        for (CpuCost.ProcessCost process : cpu.processes()) {
            boolean leader = leaderNodeId != null && process.name().equals(MeasuredProcesses.node(leaderNodeId));
            List<String> classes = new ArrayList<>();
            for (Map.Entry<ThreadClass, CpuCost.Usage> threadClass : process.threadClasses().entrySet()) {
                classes.add(String.format(Locale.ROOT, "%s %.1f", threadClass.getKey().label().replace('_', ' '),
                        cpu.microsPerOperation(threadClass.getValue().cpuTicks())));
            }
            lines.add(String.format(Locale.ROOT, "  %s%s: %.1f us (user %.1f, system %.1f; %s), %.1f voluntary context switches",
                    process.name(), leader ? " (leader at the end)" : "", cpu.microsPerOperation(process.usage().cpuTicks()),
                    cpu.microsPerOperation(process.usage().userTicks()), cpu.microsPerOperation(process.usage().systemTicks()),
                    String.join(", ", classes), cpu.perOperation(process.usage().voluntarySwitches())));
        }
        Map<String, List<String>> unmeasuredByReason = new LinkedHashMap<>();
        cpu.unmeasured().forEach((name, reason) -> unmeasuredByReason.computeIfAbsent(reason, key -> new ArrayList<>()).add(name));
        unmeasuredByReason.forEach((reason, names) -> lines.add("  not measured: " + String.join(", ", names) + " (" + reason + ")"));
        return lines;
    }

    /**
     * The CPU floor measured with the floor ({@link io.kvbench.bench.floor.MajorityWriteSkeleton}: a majority write
     * with nothing but its messages and fsyncs, one in flight) and, when the run's CPU was measured, the run's CPU per
     * write of each role over it: the leader (the node leading at the end), each other node over the follower's
     * floor, the generator over the client's, all processes over the total. Empty when the floor has no skeleton runs.
     */
    static List<String> cpuFloorLines(FloorResult floor, CpuCost cpu, Integer leaderNodeId, RunShape run) {
        return cpuFloorLines(floor, cpu, leaderNodeId, FLOOR_TIMING, run);
    }

    /**
     * A closed-loop run's writes in flight and connections: the run is set against the CPU floor measured with the
     * same, and only that one.
     */
    record RunShape(int inFlight, int connections) {
        /** The shape of {@code spec}'s run, or null for an open loop (its writes arrive at their own times). */
        static RunShape of(LoadSpec spec) {
            return spec.mode() == LoadMode.CLOSED_LOOP ? new RunShape(spec.inFlightLimit(), spec.connections()) : null;
        }
    }

    /**
     * As {@link #cpuFloorLines(FloorResult, CpuCost, Integer, RunShape)}, saying {@code timing} of when it was
     * measured; {@code run} null: no ratios.
     */
    static List<String> cpuFloorLines(FloorResult floor, CpuCost cpu, Integer leaderNodeId, String timing, RunShape run) {
        List<String> lines = new ArrayList<>();
        if (floor.skeletons().isEmpty()) return lines;
        lines.add("CPU floor (" + timing + "; a majority write with only its messages and fsyncs, no Raft; one in"
                + " flight unless said; a closed-loop run is set against the floor with its own writes in flight and"
                + " connections):");
        for (MajorityWriteSkeleton.Result skeleton : floor.skeletons()) {
            boolean sameShape = run != null && skeleton.inFlight() == run.inFlight()
                    && skeleton.connections() == run.connections();
            String ratios = cpu == null || !sameShape ? "" : overFloor(cpu, skeleton, leaderNodeId);
            String batched = skeleton.inFlight() == 1 ? "" : String.format(Locale.ROOT, ", %d in flight on %d connections",
                    skeleton.inFlight(), skeleton.connections());
            lines.add(String.format(Locale.ROOT, "  fsync %-20s leader %.1f, follower %.1f, client %.1f, total %.1f us per write%s",
                    placementLabel(skeleton.placement()) + batched + ":", skeleton.leaderCpuMicrosPerWrite(),
                    skeleton.followerCpuMicrosPerWrite(), skeleton.clientCpuMicrosPerWrite(),
                    skeleton.totalCpuMicrosPerWrite(), ratios));
        }
        return lines;
    }

    private static String placementLabel(MajorityWriteSkeleton.FsyncPlacement placement) {
        return switch (placement) {
            case EVENT_LOOP -> "on the event loop";
            case SEPARATE_THREAD -> "on a WAL thread";
        };
    }

    /** "; this run: leader 2.1x, node2 2.4x, ..." over the skeleton's roles; "" when no write was acknowledged. */
    private static String overFloor(CpuCost cpu, MajorityWriteSkeleton.Result skeleton, Integer leaderNodeId) {
        if (cpu.operations() == 0) return "";
        List<String> ratios = new ArrayList<>();
        // Without a leader known (e.g. etcd's members, whose roles the run does not read) no process has a role.
        for (CpuCost.ProcessCost process : leaderNodeId == null ? List.<CpuCost.ProcessCost>of() : cpu.processes()) {
            double micros = cpu.microsPerOperation(process.usage().cpuTicks());
            double floorMicros;
            String role;
            if (process.name().equals(MeasuredProcesses.GENERATOR)) {
                floorMicros = skeleton.clientCpuMicrosPerWrite();
                role = process.name();
            } else if (process.name().equals(MeasuredProcesses.node(leaderNodeId))) {
                floorMicros = skeleton.leaderCpuMicrosPerWrite();
                role = process.name() + " (leader)";
            } else {
                floorMicros = skeleton.followerCpuMicrosPerWrite();
                role = process.name();
            }
            ratios.add(String.format(Locale.ROOT, "%s %.1fx", role, micros / floorMicros));
        }
        if (cpu.totalMicrosPerOperation().isPresent()) {
            ratios.add(String.format(Locale.ROOT, "all %.1fx", cpu.totalMicrosPerOperation().getAsDouble()
                    / skeleton.totalCpuMicrosPerWrite()));
        }
        return "; this run over it: " + String.join(", ", ratios);
    }

    /** The node id whose status says LEADER, or null (none, or no statuses). */
    static Integer leaderNodeId(JsonNode statuses) {
        if (statuses == null) return null;
        for (JsonNode status : statuses) {
            if ("LEADER".equals(status.path("role").asText())) return status.path("nodeId").asInt();
        }
        return null;
    }
}
