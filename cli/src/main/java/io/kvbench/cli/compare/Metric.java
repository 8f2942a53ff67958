package io.kvbench.cli.compare;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The figures compared between two versions, each a number per run; names end in their unit
 * (docs/results-format.md). Where each comes from is in {@link RunResultsReader}. The fixed ones are constants;
 * the CPU figures of one process ({@code cpu_us_per_write_node1}, ...) are made by name
 * ({@link #cpuPerWrite(String)}), since a run names its own processes. One instance per name, so {@code ==}
 * holds; ordered as declared, each process's figures right after their total, processes in natural order.
 */
public final class Metric implements Comparable<Metric> {

    /** Which direction of change is an improvement. */
    public enum Better {
        LOWER, HIGHER;

        public String label() {
            return this == LOWER ? "lower is better" : "higher is better";
        }
    }

    /** The kind of result file a metric is read from, named in "absent" notes. */
    public enum Source {
        LOAD("a load summary.csv"),
        CLOSED_LOOP_LOAD("a closed-loop (CLOSED_LOOP) load summary.csv"),
        CPU("a cpu.json beside a load summary.csv without CPU columns (reference runs before issue 19)"),
        CHAOS("an elections.csv or a chaos summary.csv with election/unavailability columns"),
        JMH("a JMH JSON result file");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private static final Map<String, Metric> BY_COLUMN = new ConcurrentHashMap<>();
    private static int declared;

    public static final Metric WRITE_P50_US = fixed("write_p50_us", "write latency p50, from the intended send time",
            Better.LOWER, Source.LOAD);
    public static final Metric WRITE_P99_US = fixed("write_p99_us", "write latency p99, from the intended send time",
            Better.LOWER, Source.LOAD);
    public static final Metric WRITE_P999_US = fixed("write_p999_us", "write latency p99.9, from the intended send time",
            Better.LOWER, Source.LOAD);
    public static final Metric WRITE_P50_OVER_MAJORITY_FLOOR = fixed("write_p50_over_majority_floor",
            "write p50 over the majority-write floor measured in the same run (2 x loopback round trip p50 + the "
                    + "fsync p50 of a majority of the nodes fsyncing the one disk at once)", Better.LOWER, Source.LOAD);
    public static final Metric WRITE_P99_OVER_MAJORITY_FLOOR = fixed("write_p99_over_majority_floor",
            "write p99 over the majority-write floor's p99 (2 x round trip p99 + contended fsync p99)", Better.LOWER,
            Source.LOAD);
    public static final Metric WRITE_P50_OVER_FLOOR = fixed("write_p50_over_floor", "write p50 over the single-fsync "
            + "floor measured in the same run (fsync p50 + loopback round trip p50)", Better.LOWER, Source.LOAD);
    public static final Metric WRITE_P99_OVER_FLOOR = fixed("write_p99_over_floor", "write p99 over the single-fsync "
            + "floor's p99 (fsync p99 + loopback round trip p99)", Better.LOWER, Source.LOAD);
    public static final Metric PEAK_THROUGHPUT_OPS_S = fixed("peak_throughput_ops_s",
            "achieved rate of a closed-loop run (what its clients could drive)", Better.HIGHER, Source.CLOSED_LOOP_LOAD);
    public static final Metric CPU_US_PER_WRITE_TOTAL = fixed("cpu_us_per_write_total", "CPU time of every process "
            + "(nodes and generator) per acknowledged write, over the measured span", Better.LOWER, Source.LOAD);
    public static final Metric CPU_NO_JIT_US_PER_WRITE_TOTAL = fixed("cpu_no_jit_us_per_write_total", "CPU time of every "
            + "process per acknowledged write, without their JIT compiler threads (a fresh JVM's compiling varies from "
            + "run to run)", Better.LOWER, Source.LOAD);
    public static final Metric VOLUNTARY_SWITCHES_PER_WRITE_TOTAL = fixed("voluntary_switches_per_write_total",
            "voluntary context switches of every process per acknowledged write, over the measured span", Better.LOWER,
            Source.LOAD);
    public static final Metric CPU_US_PER_OP = fixed("cpu_us_per_op", "CPU time of every listed process per operation",
            Better.LOWER, Source.CPU);
    public static final Metric ELECTION_P50_MS = fixed("election_p50_ms", "fault to new leader, p50 of a campaign",
            Better.LOWER, Source.CHAOS);
    public static final Metric ELECTION_P99_MS = fixed("election_p99_ms", "fault to new leader, p99 of a campaign",
            Better.LOWER, Source.CHAOS);
    public static final Metric UNAVAILABILITY_P50_MS = fixed("unavailability_p50_ms",
            "fault to first acknowledged write, p50 of a campaign", Better.LOWER, Source.CHAOS);
    public static final Metric UNAVAILABILITY_P99_MS = fixed("unavailability_p99_ms",
            "fault to first acknowledged write, p99 of a campaign", Better.LOWER, Source.CHAOS);
    public static final Metric JMH_TIME_PER_OP = fixed("jmh_time_per_op", "JMH score of an average-time, sample-time or "
            + "single-shot benchmark, per fork (unit in the configuration)", Better.LOWER, Source.JMH);
    public static final Metric JMH_THROUGHPUT = fixed("jmh_throughput", "JMH score of a throughput benchmark, per fork "
            + "(unit in the configuration)", Better.HIGHER, Source.JMH);

    /** The prefixes of the per-process columns in a load summary.csv; the process's name follows. */
    static final String CPU_PER_WRITE_PREFIX = "cpu_us_per_write_";
    static final String CPU_NO_JIT_PER_WRITE_PREFIX = "cpu_no_jit_us_per_write_";
    static final String SWITCHES_PER_WRITE_PREFIX = "voluntary_switches_per_write_";

    private final String columnName;
    private final String description;
    private final Better better;
    private final Source source;
    /** Declaration order; a process's metric shares its total's. */
    private final int rank;
    /** Empty for a fixed metric; the process's name for a per-process one (after its total in the order). */
    private final String process;

    private Metric(String columnName, String description, Better better, Source source, int rank, String process) {
        this.columnName = columnName;
        this.description = description;
        this.better = better;
        this.source = source;
        this.rank = rank;
        this.process = process;
    }

    private static Metric fixed(String columnName, String description, Better better, Source source) {
        Metric metric = new Metric(columnName, description, better, source, declared++, "");
        BY_COLUMN.put(columnName, metric);
        return metric;
    }

    /** {@code cpu_us_per_write_<process>}: one process's CPU per acknowledged write (lower is better). */
    public static Metric cpuPerWrite(String process) {
        return perProcess(CPU_PER_WRITE_PREFIX, process, "CPU time of process " + process
                + " per acknowledged write, over the measured span", CPU_US_PER_WRITE_TOTAL);
    }

    /** {@code cpu_no_jit_us_per_write_<process>}: as {@link #cpuPerWrite}, without the JIT compiler threads. */
    public static Metric cpuNoJitPerWrite(String process) {
        return perProcess(CPU_NO_JIT_PER_WRITE_PREFIX, process, "CPU time of process " + process
                + " per acknowledged write without its JIT compiler threads", CPU_NO_JIT_US_PER_WRITE_TOTAL);
    }

    /** {@code voluntary_switches_per_write_<process>}: one process's voluntary context switches per write. */
    public static Metric voluntarySwitchesPerWrite(String process) {
        return perProcess(SWITCHES_PER_WRITE_PREFIX, process, "voluntary context switches of process " + process
                + " per acknowledged write, over the measured span", VOLUNTARY_SWITCHES_PER_WRITE_TOTAL);
    }

    private static Metric perProcess(String prefix, String process, String description, Metric total) {
        if (process.isBlank() || process.equals("total")) {
            throw new IllegalArgumentException("not a process name: '" + process + "'");
        }
        return BY_COLUMN.computeIfAbsent(prefix + process,
                column -> new Metric(column, description, total.better, total.source, total.rank, process));
    }

    /** The name in compare.csv and the table, e.g. {@code write_p99_us}. */
    public String columnName() {
        return columnName;
    }

    public String description() {
        return description;
    }

    public Better better() {
        return better;
    }

    public Source source() {
        return source;
    }

    @Override
    public int compareTo(Metric other) {
        if (rank != other.rank) return Integer.compare(rank, other.rank);
        if (process.isEmpty() != other.process.isEmpty()) return process.isEmpty() ? -1 : 1;
        return ResultSet.compareNatural(process, other.process);
    }

    @Override
    public String toString() {
        return columnName;
    }
}
