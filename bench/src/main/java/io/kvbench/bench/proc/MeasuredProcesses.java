package io.kvbench.bench.proc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes whose CPU a load run reports, by name, in report order: the nodes ({@code node1}, ..., or
 * {@code etcd1}, ...), then {@code generator}, the load generator's own process. A process whose pid is not known
 * here (a node on another host, or one this command did not start) keeps its name, so its columns exist and stay
 * empty, with {@code unknownReason} saying why.
 *
 * @param names         every process, in report order
 * @param pidsByName    the processes whose pid is known
 * @param unknownReason why the others have none ("" when every pid is known)
 */
public record MeasuredProcesses(List<String> names, Map<String, Long> pidsByName, String unknownReason) {
    public static final String GENERATOR = "generator";

    public MeasuredProcesses {
        names = List.copyOf(names);
        pidsByName = Collections.unmodifiableMap(new LinkedHashMap<>(pidsByName));
        if (!names.containsAll(pidsByName.keySet())) {
            throw new IllegalArgumentException("pids " + pidsByName.keySet() + " for processes not named in " + names);
        }
        if (pidsByName.size() < names.size() && unknownReason.isBlank()) {
            throw new IllegalArgumentException("processes without a pid need a reason: " + names);
        }
    }

    /** The name of a kvnode node's process in every report: {@code node<id>}. */
    public static String node(int nodeId) {
        return "node" + nodeId;
    }

    /** Exactly the given processes, every pid known. */
    public static MeasuredProcesses of(Map<String, Long> pidsByName) {
        return new MeasuredProcesses(new ArrayList<>(pidsByName.keySet()), pidsByName, "");
    }

    /** The given processes (e.g. {@code node1} to {@code node3} by pid), then this JVM as the generator. */
    public static MeasuredProcesses withGenerator(Map<String, Long> pidsByName) {
        Map<String, Long> pids = new LinkedHashMap<>(pidsByName);
        pids.put(GENERATOR, ProcessHandle.current().pid());
        return new MeasuredProcesses(new ArrayList<>(pids.keySet()), pids, "");
    }

    /** Only this JVM, the generator, is known; {@code unknown} (e.g. the nodes) are not, for {@code reason}. */
    public static MeasuredProcesses generatorOnly(List<String> unknown, String reason) {
        List<String> names = new ArrayList<>(unknown);
        names.add(GENERATOR);
        return new MeasuredProcesses(names, Map.of(GENERATOR, ProcessHandle.current().pid()), reason);
    }

    /** Whether every process's pid is known. */
    public boolean allKnown() {
        return pidsByName.size() == names.size();
    }
}
