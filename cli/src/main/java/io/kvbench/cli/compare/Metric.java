package io.kvbench.cli.compare;

/**
 * The figures compared between two versions, each a number per run; names end in their unit
 * (docs/results-format.md). Where each comes from is in {@link RunResultsReader}.
 */
public enum Metric {
    WRITE_P50_US("write_p50_us", "write latency p50 at a fixed rate", Better.LOWER, Source.FIXED_RATE_LOAD),
    WRITE_P99_US("write_p99_us", "write latency p99 at a fixed rate", Better.LOWER, Source.FIXED_RATE_LOAD),
    WRITE_P999_US("write_p999_us", "write latency p99.9 at a fixed rate", Better.LOWER, Source.FIXED_RATE_LOAD),
    PEAK_THROUGHPUT_OPS_S("peak_throughput_ops_s", "achieved rate of a closed-loop run", Better.HIGHER,
            Source.CLOSED_LOOP_LOAD),
    ELECTION_P50_MS("election_p50_ms", "fault to new leader, p50 of a campaign", Better.LOWER, Source.CHAOS),
    ELECTION_P99_MS("election_p99_ms", "fault to new leader, p99 of a campaign", Better.LOWER, Source.CHAOS),
    UNAVAILABILITY_P50_MS("unavailability_p50_ms", "fault to first acknowledged write, p50 of a campaign",
            Better.LOWER, Source.CHAOS),
    UNAVAILABILITY_P99_MS("unavailability_p99_ms", "fault to first acknowledged write, p99 of a campaign",
            Better.LOWER, Source.CHAOS);

    /** Which direction of change is an improvement. */
    public enum Better {
        LOWER, HIGHER;

        public String label() {
            return this == LOWER ? "lower is better" : "higher is better";
        }
    }

    /** The kind of result file a metric is read from, named in "absent" notes. */
    public enum Source {
        FIXED_RATE_LOAD("a fixed-rate (OPEN_LOOP) load summary.csv"),
        CLOSED_LOOP_LOAD("a closed-loop (CLOSED_LOOP) load summary.csv"),
        CHAOS("an elections.csv or a chaos summary.csv with election/unavailability columns");

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
