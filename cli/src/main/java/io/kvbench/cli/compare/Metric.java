package io.kvbench.cli.compare;

/**
 * The figures compared between two versions, each a number per run; names end in their unit
 * (docs/results-format.md). Where each comes from is in {@link RunResultsReader}.
 */
public enum Metric {
    WRITE_P50_US("write_p50_us", "write latency p50, from the intended send time", Better.LOWER, Source.LOAD),
    WRITE_P99_US("write_p99_us", "write latency p99, from the intended send time", Better.LOWER, Source.LOAD),
    WRITE_P999_US("write_p999_us", "write latency p99.9, from the intended send time", Better.LOWER, Source.LOAD),
    WRITE_P50_OVER_FLOOR("write_p50_over_floor", "write p50 over the floor measured in the same run "
            + "(fsync p50 + loopback round trip p50)", Better.LOWER, Source.LOAD),
    WRITE_P99_OVER_FLOOR("write_p99_over_floor", "write p99 over the floor's p99 (fsync p99 + loopback round trip "
            + "p99)", Better.LOWER, Source.LOAD),
    PEAK_THROUGHPUT_OPS_S("peak_throughput_ops_s", "achieved rate of a closed-loop run (what its clients could drive)",
            Better.HIGHER, Source.CLOSED_LOOP_LOAD),
    CPU_US_PER_OP("cpu_us_per_op", "CPU time of every listed process per operation", Better.LOWER, Source.CPU),
    ELECTION_P50_MS("election_p50_ms", "fault to new leader, p50 of a campaign", Better.LOWER, Source.CHAOS),
    ELECTION_P99_MS("election_p99_ms", "fault to new leader, p99 of a campaign", Better.LOWER, Source.CHAOS),
    UNAVAILABILITY_P50_MS("unavailability_p50_ms", "fault to first acknowledged write, p50 of a campaign",
            Better.LOWER, Source.CHAOS),
    UNAVAILABILITY_P99_MS("unavailability_p99_ms", "fault to first acknowledged write, p99 of a campaign",
            Better.LOWER, Source.CHAOS),
    JMH_TIME_PER_OP("jmh_time_per_op", "JMH score of an average-time, sample-time or single-shot benchmark, per fork "
            + "(unit in the configuration)", Better.LOWER, Source.JMH),
    JMH_THROUGHPUT("jmh_throughput", "JMH score of a throughput benchmark, per fork (unit in the configuration)",
            Better.HIGHER, Source.JMH);

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
        CPU("a cpu.json beside a load summary.csv (reference runs)"),
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

    private final String columnName;
    private final String description;
    private final Better better;
    private final Source source;

    Metric(String columnName, String description, Better better, Source source) {
        this.columnName = columnName;
        this.description = description;
        this.better = better;
        this.source = source;
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
}
