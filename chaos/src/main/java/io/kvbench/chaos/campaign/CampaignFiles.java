package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.history.Outcome;
import io.kvbench.chaos.history.Verdict;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The campaign's CSV and .hgrm files, in the columns of docs/results-format.md. Empty cell = not measured. */
final class CampaignFiles {
    static final String[] ELECTIONS_HEADER = {"run_id", "git_sha", "target", "trial", "seed", "fault", "victim", "old_leader",
            "old_term", "new_leader", "new_term", "terms_elapsed", "fault_to_candidate_ms", "fault_to_leader_ms",
            "fault_to_first_ack_ms", "writes_failed", "writes_timed_out", "cluster_size", "election_timeout_min_ms",
            "election_timeout_max_ms", "heartbeat_ms", "load_rate", "fault_command_ms", "fault_to_detect_ms",
            "fault_to_leader_ready_ms", "fault_to_first_checked_ack_ms", "fault_to_leader_error_ms", "probe_interval_ms",
            "probe_writes", "probe_max_gap_ms", "probe_fresh_connections", "probe_cpu_ms"};
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

    private CampaignFiles() {
    }

    static void writeElections(Path file, CampaignSpec spec, Cluster cluster, List<TrialRecord> records) throws IOException {
        try (CSVPrinter csv = printer(file, ELECTIONS_HEADER)) {
            for (TrialRecord r : records) {
                csv.printRecord(spec.runId(), spec.gitSha(), cluster.targetName(), r.trial(), r.seed(), r.fault().label(),
                        node(r.victim()), node(r.oldLeader()), id(r.oldTerm()), node(r.newLeader()), id(r.newTerm()),
                        id(r.termsElapsed()), number(r.faultToCandidateMillis()), number(r.faultToLeaderMillis()),
                        number(r.faultToFirstAckMillis()), r.writesFailed(), r.writesTimedOut(), cluster.size(),
                        cluster.timing().electionTimeoutMinMillis(), cluster.timing().electionTimeoutMaxMillis(),
                        cluster.timing().heartbeatMillis(), number(spec.loadRate()), number(r.faultCommandMillis()),
                        number(r.faultToDetectMillis()), number(r.faultToLeaderReadyMillis()),
                        number(r.faultToFirstCheckedAckMillis()), number(r.faultToLeaderErrorMillis()),
                        number(spec.probeIntervalMillis()), r.probeWrites(), number(r.probeMaxGapMillis()),
                        r.probeFreshConnections(), number(r.probeCpuMillis()));
            }
        }
    }

    static void writeFaults(Path file, List<TrialRecord> records) throws IOException {
        try (CSVPrinter csv = printer(file, "fault_start_s", "recovered_s", "fault", "victim")) {
            for (TrialRecord r : records) {
                csv.printRecord(number(r.faultStartSeconds()), number(r.recoveredSeconds()), r.fault().label(), "n" + r.victim());
            }
        }
    }

    /** HdrHistogram's percentile text: recorded in µs, printed in ms (scaling ratio 1000), as bench and plot.py expect. */
    static void writeHgrm(Path file, Histogram micros) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            if (micros.getTotalCount() > 0) micros.outputPercentileDistribution(out, 5, 1000.0);
        }
    }

    static void writePercentiles(Path file, Map<String, Histogram> histograms) throws IOException {
        double[] percentiles = {0, 50, 90, 95, 99, 99.9, 100};
        try (CSVPrinter csv = printer(file, "metric", "percentile", "value_ms", "trials")) {
            for (Map.Entry<String, Histogram> entry : new TreeMap<>(histograms).entrySet()) {
                Histogram h = entry.getValue();
                for (double p : percentiles) {
                    double value = h.getTotalCount() == 0 ? Double.NaN
                            : (p == 0 ? h.getMinValue() : h.getValueAtPercentile(p)) / 1000.0;
                    csv.printRecord(entry.getKey(), number(p), number(value), h.getTotalCount());
                }
            }
        }
    }

    static final String[] SUMMARY_HEADER = {"metric", "trials", "min_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms",
            "verdict", "checked", "operations", "violations", "search_ms", "target_label"};

    /**
     * One row per figure with the campaign's verdict, then one row per safety checker ({@code check_<checker>}) with
     * that checker's result and counts; a row leaves the other kind's columns empty. Every row names what was measured.
     */
    static void writeSummary(Path file, List<LatencySummary> summaries, Verdict verdict, List<CheckerResult> checkers,
                             String targetLabel) throws IOException {
        try (CSVPrinter csv = printer(file, SUMMARY_HEADER)) {
            for (LatencySummary s : summaries) {
                csv.printRecord(s.metric(), s.trials(), number(s.minMillis()), number(s.p50Millis()), number(s.p90Millis()),
                        number(s.p99Millis()), number(s.maxMillis()), number(s.meanMillis()), CheckerResult.result(verdict),
                        null, null, null, null, targetLabel);
            }
            for (CheckerResult c : checkers) {
                csv.printRecord("check_" + c.checker(), null, null, null, null, null, null, null, c.result(),
                        id(c.checked()), id(c.operations()), c.violations(), c.searchMillis() < 0 ? null : number(c.searchMillis()),
                        targetLabel);
            }
        }
    }

    /**
     * One row per second of load: completions by outcome, latency (from the intended send time) of the OK ones. The
     * last second is cut short by the end of the load: its {@code elapsed_s} says where it ended (three decimals).
     */
    static void writeTimeseries(Path file, List<Workload.Completed> completed, long startNanos, long endNanos) throws IOException {
        int seconds = seconds(startNanos, endNanos);
        long[] ok = new long[seconds + 1];
        long[] errors = new long[seconds + 1];
        long[] timeouts = new long[seconds + 1];
        List<Histogram> latency = latencyBySecond(completed, startNanos, seconds, done -> true);
        for (Workload.Completed done : completed) {
            int bucket = bucket(done, startNanos, seconds);
            if (done.outcome() == Outcome.OK) {
                ok[bucket]++;
            } else if (done.outcome() == Outcome.FAIL) {
                errors[bucket]++;
            } else {
                timeouts[bucket]++;
            }
        }
        double endSeconds = (endNanos - startNanos) / 1e9;
        try (CSVPrinter csv = printer(file, "elapsed_s", "ops", "errors", "timeouts", "p50_us", "p90_us", "p99_us", "max_us")) {
            for (int i = 0; i <= seconds; i++) {
                if (i == seconds && ok[i] + errors[i] + timeouts[i] == 0) break;
                Histogram h = latency.get(i);
                boolean any = ok[i] > 0;
                boolean cutShort = i < endSeconds && i + 1 > endSeconds;
                csv.printRecord(cutShort ? String.format(Locale.ROOT, "%.3f", endSeconds) : Integer.toString(i + 1), ok[i],
                        errors[i], timeouts[i], any ? h.getValueAtPercentile(50) : null, any ? h.getValueAtPercentile(90) : null,
                        any ? h.getValueAtPercentile(99) : null, any ? h.getMaxValue() : null);
            }
        }
    }

    /**
     * The checked clients' acknowledged writes as HdrHistogram interval histograms, one per second of load
     * ({@link HistogramLogWriter}: the format of the load generator's latency.hlog, read by HistogramLogAnalyzer),
     * values in microseconds from the intended send time. {@code startWallMillis}: wall time of {@code startNanos}.
     */
    static void writeWritesLog(Path file, List<Workload.Completed> completed, long startNanos, long endNanos,
                               long startWallMillis) throws IOException {
        int seconds = seconds(startNanos, endNanos);
        List<Histogram> latency = latencyBySecond(completed, startNanos, seconds, Workload.Completed::isWrite);
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputComment("kvbench chaos: the checked clients' acknowledged writes, latency from the intended send time, values in microseconds");
            log.outputLogFormatVersion();
            log.outputStartTime(startWallMillis);
            log.setBaseTime(startWallMillis);
            log.outputLegend();
            double endSeconds = (endNanos - startNanos) / 1e9;
            for (int i = 0; i < latency.size(); i++) {
                Histogram interval = latency.get(i);
                if (i == seconds && interval.getTotalCount() == 0) break;
                interval.setStartTimeStamp(startWallMillis + i * 1000L);
                interval.setEndTimeStamp(startWallMillis + Math.round(Math.min(i + 1, Math.max(i, endSeconds)) * 1000));
                log.outputIntervalHistogram(i, Math.min(i + 1, Math.max(i, endSeconds)), interval, 1000.0);
            }
        }
    }

    private static int seconds(long startNanos, long endNanos) {
        return (int) Math.max(1, Math.ceil((endNanos - startNanos) / 1e9));
    }

    /** The second an operation completed in: (i, i + 1] seconds after the start is bucket i. */
    private static int bucket(Workload.Completed done, long startNanos, int seconds) {
        return (int) Math.min(seconds, Math.max(0, (done.completeNanos() - startNanos - 1) / 1_000_000_000L));
    }

    private static List<Histogram> latencyBySecond(List<Workload.Completed> completed, long startNanos, int seconds,
                                                   Predicate<Workload.Completed> which) {
        List<Histogram> latency = new ArrayList<>();
        for (int i = 0; i <= seconds; i++) latency.add(new Histogram(3));
        for (Workload.Completed done : completed) {
            if (done.outcome() == Outcome.OK && which.test(done)) {
                latency.get(bucket(done, startNanos, seconds)).recordValue(Math.max(0, (done.completeNanos() - done.intendedNanos()) / 1000));
            }
        }
        return latency;
    }

    private static CSVPrinter printer(Path file, String... header) throws IOException {
        Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        return FORMAT.builder().setHeader(header).get().print(writer);
    }

    private static String number(double value) {
        if (Double.isNaN(value)) return null;
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String node(int id) {
        return id > 0 ? "n" + id : null;
    }

    private static String id(long value) {
        return value >= 0 ? Long.toString(value) : null;
    }
}
