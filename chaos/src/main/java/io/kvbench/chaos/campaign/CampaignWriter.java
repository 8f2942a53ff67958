package io.kvbench.chaos.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.history.History;
import io.kvbench.chaos.history.Outcome;
import io.kvbench.chaos.history.Verdict;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Writes a campaign's files once its trials are timed and its history checked: elections.csv, faults.csv, the
 * histograms (election.hgrm, unavailability.hgrm, percentiles.csv), summary.csv, timeseries.csv, writes.hlog,
 * verdict.txt and run.json (each file's format by {@link CampaignFiles}; docs/results-format.md describes them),
 * and returns the campaign's result.
 */
final class CampaignWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CampaignWriter() {
    }

    static CampaignResult write(CampaignSpec spec, Cluster cluster, Path out, List<TrialRecord> records,
                                        Workload workload, SafetyChecks.Report safety, History history, Optional<LoadSummary> load,
                                        Instant startedAt, long endNanos, List<NodeAudit.Report> audit, String targetLabel)
            throws IOException {
        Verdict verdict = safety.verdict();
        Histogram election = new Histogram(3);
        Histogram unavailability = new Histogram(3);
        Histogram checkedFirstAck = new Histogram(3);
        for (TrialRecord record : records) {
            recordMillis(election, record.faultToLeaderMillis());
            recordMillis(unavailability, record.faultToFirstAckMillis());
            recordMillis(checkedFirstAck, record.faultToFirstCheckedAckMillis());
        }
        LatencySummary electionSummary = LatencySummary.of("election", election);
        LatencySummary unavailabilitySummary = LatencySummary.of("unavailability", unavailability);
        LatencySummary checkedSummary = LatencySummary.of(Campaign.CHECKED_FIRST_ACK, checkedFirstAck);
        CampaignFiles.writeElections(out.resolve("elections.csv"), spec, cluster, records);
        CampaignFiles.writeFaults(out.resolve("faults.csv"), records);
        CampaignFiles.writeHgrm(out.resolve("election.hgrm"), election);
        CampaignFiles.writeHgrm(out.resolve("unavailability.hgrm"), unavailability);
        Map<String, Histogram> histograms = new LinkedHashMap<>(Map.of("election", election, "unavailability", unavailability,
                Campaign.CHECKED_FIRST_ACK, checkedFirstAck));
        List<LatencySummary> summaries = new ArrayList<>(List.of(electionSummary, unavailabilitySummary, checkedSummary));
        load.ifPresent(summary -> {
            histograms.put("load_latency", summary.latencyMicros());
            summaries.add(LatencySummary.of("load_latency", summary.latencyMicros()));
        });
        CampaignFiles.writePercentiles(out.resolve("percentiles.csv"), histograms);
        CampaignFiles.writeSummary(out.resolve("summary.csv"), summaries, verdict, safety.checkers(), targetLabel);
        CampaignFiles.writeTimeseries(out.resolve("timeseries.csv"), workload.completed(), workload.startNanos(), endNanos);
        CampaignFiles.writeWritesLog(out.resolve("writes.hlog"), workload.completed(), workload.startNanos(), endNanos,
                System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - workload.startNanos()));
        long acknowledgedWrites = history.operations().stream().filter(op -> op.kind().isWrite() && op.outcome() == Outcome.OK).count();
        CampaignResult result = new CampaignResult(spec.runId(), cluster.targetName(), targetLabel, out, verdict, records,
                electionSummary, unavailabilitySummary, history.operations().size(), acknowledgedWrites, load, safety.checkers());
        String verdictText = (result.passed() ? "PASS" : "FAIL") + "\n"
                + "target: " + targetLabel + "\n"
                + "safety: " + verdict.describe() + "\n"
                + safety.checkers().stream().map(checker -> "  " + checker.describe() + "\n").collect(Collectors.joining())
                + "recovered: " + records.stream().filter(TrialRecord::recovered).count() + "/" + records.size() + " trials\n"
                + "operations: " + history.operations().size() + ", acknowledged writes: " + acknowledgedWrites + "\n"
                + NodeAudit.describe(audit, cluster.targetName()) + "\n"
                + electionSummary + "\n" + unavailabilitySummary + " (probe, every " + TargetLabel.millis(spec.probeInterval()) + " ms)\n"
                + checkedSummary + " (old rule: the checked writers, attempt timeout " + spec.attemptTimeout().toMillis() + " ms)\n"
                + load.map(summary -> CampaignLoad.describe(summary) + "\n").orElse("");
        Files.writeString(out.resolve("verdict.txt"), verdictText, StandardCharsets.UTF_8);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("runId", spec.runId());
        run.put("target", cluster.targetName());
        run.put("targetLabel", targetLabel);
        run.put("clusterSize", cluster.size());
        run.put("electionTimeoutMinMillis", cluster.timing().electionTimeoutMinMillis());
        run.put("electionTimeoutMaxMillis", cluster.timing().electionTimeoutMaxMillis());
        run.put("heartbeatMillis", cluster.timing().heartbeatMillis());
        boolean eventLogTimings = TrialRunner.timesFromEventLogs(cluster);
        double pollMillis = leaderPollIntervalMillis(spec, eventLogTimings, records);
        run.put("leaderTiming", eventLogTimings ? "event-log" : "status-polling");
        if (!eventLogTimings) run.put("leaderPollIntervalMillis", pollMillis);
        run.put("probeIntervalMillis", spec.probeIntervalMillis());
        run.put("firstAckRule", "probe: fresh writes to every node every probeIntervalMillis from the fault; "
                + "fault to the earliest acknowledgement of one invoked after the fault (docs/results-format.md)");
        run.put("campaign", spec.describe());
        run.put("javaVersion", System.getProperty("java.version"));
        run.put("processors", Runtime.getRuntime().availableProcessors());
        run.put("osName", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        run.put("startedAt", startedAt.toString());
        run.put("loadStartNanos", workload.startNanos()); // zero of timeseries.csv and faults.csv on history.csv's clock
        run.put("endedAt", Instant.now().toString());
        run.put("passed", result.passed());
        run.put("verdict", verdict.describe());
        run.put("checkers", safety.checkers().stream().map(CheckerResult::toMap).toList());
        run.put("nodeAudit", audit);
        run.put("skipped", skippedChecks(cluster.targetName(), eventLogTimings, pollMillis, audit));
        run.put("election", electionSummary);
        run.put("unavailability", unavailabilitySummary);
        run.put(Campaign.CHECKED_FIRST_ACK, checkedSummary);
        load.ifPresent(summary -> run.put("loadGenerator", CampaignLoad.describeForJson(summary)));
        JSON.writeValue(out.resolve("run.json").toFile(), run);
        return result;
    }

    /**
     * The kvnode-only checks and timings this run went without, each with the reason (empty when it had them all):
     * the nodes' write audit, and election times from the nodes' own event logs.
     */
    static Map<String, String> skippedChecks(String target, boolean eventLogTimings, double pollIntervalMillis, List<NodeAudit.Report> audit) {
        Map<String, String> skipped = new LinkedHashMap<>();
        boolean etcd = target.equals(Campaign.ETCD);
        if (audit.isEmpty()) {
            skipped.put("nodeAudit", etcd ? NodeAudit.ETCD_REASON : "no node reports write-audit counts (kvnode --audit-writes)");
        }
        if (!eventLogTimings) {
            skipped.put("eventLogTimings", (etcd ? "etcd writes no role-change event log" : "no node event log readable here")
                    + "; elections timed by polling status every "
                    + java.math.BigDecimal.valueOf(pollIntervalMillis).stripTrailingZeros().toPlainString() + " ms");
        }
        return skipped;
    }

    private static void recordMillis(Histogram micros, double millis) {
        if (!Double.isNaN(millis)) micros.recordValue(Math.max(0, Math.round(millis * 1000)));
    }

    /**
     * How often status was polled where no event log times the leader: in the probe's rounds where it polls
     * (etcd: every trial's leader time carries its error bar), else every {@link TrialRunner#POLL_NANOS} by the campaign.
     */
    private static double leaderPollIntervalMillis(CampaignSpec spec, boolean eventLogTimings, List<TrialRecord> records) {
        if (eventLogTimings) return Double.NaN;
        boolean probePolled = records.stream().anyMatch(record -> !Double.isNaN(record.faultToLeaderErrorMillis()));
        return probePolled ? spec.probeIntervalMillis() : TrialRunner.POLL_NANOS / 1e6;
    }
}
