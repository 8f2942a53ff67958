package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.chaos.client.KvSessionClient;
import io.kvbench.chaos.history.History;
import io.kvbench.chaos.history.HistoryOp;
import io.kvbench.chaos.history.Outcome;
import io.kvbench.net.NettyResources;
import io.kvbench.node.local.LocalClusterSpec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CI-sized campaigns: five leader kills on three real nodes under load, recovery every time, and safe; and a
 * campaign whose operations have a short deadline, so that the checkers judge indeterminate outcomes too.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class CampaignTest {
    @TempDir
    Path directory;

    @Test
    void fiveLeaderKillsUnderLoadRecoverEveryTimeAndLoseNothing() throws Exception {
        // -Dchaos.ci.trials=N for a longer run of the same campaign (figures in the report use 20).
        int trials = Integer.getInteger("chaos.ci.trials", 5);
        CampaignSpec spec = CampaignSpec.builder().runId("ci-kill-leader").fault(FaultKind.KILL_LEADER).trials(trials)
                .trialInterval(Duration.ofSeconds(3)).downtime(Duration.ofMillis(500)).seed(42)
                .uniqueWriters(2).registerClients(2).registerKeys(3).ratePerThread(50).build();
        CampaignResult result;
        List<StatusRecordingCluster.Call> statusCalls;
        try (LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().nodeCount(3).build(),
                directory.resolve("cluster"))) {
            StatusRecordingCluster recording = new StatusRecordingCluster(cluster);
            result = Campaign.run(spec, recording, directory.resolve("out"));
            statusCalls = recording.statusCalls();
        }
        Path out = directory.resolve("out");
        System.out.println(Files.readString(out.resolve("verdict.txt")));
        assertThat(result.verdict().passed()).as(result.verdict().describe()).isTrue();
        assertThat(result.trials()).hasSize(trials).allMatch(TrialRecord::recovered);
        assertThat(result.trials()).allMatch(trial -> trial.leaderFromEventLog() && trial.newLeader() != trial.victim()
                && trial.termsElapsed() >= 1 && trial.faultToLeaderMillis() > 0
                && trial.faultToFirstAckMillis() >= trial.faultToLeaderMillis() - 1);
        // The nodes time their own election, so the harness asks them nothing until a write is acknowledged again
        // (it looks the new leader up afterwards, and between trials).
        assertThat(statusCalls).hasSizeGreaterThan(trials);
        for (TrialRecord trial : result.trials()) {
            long firstAckNanos = trial.faultNanos() + (long) (trial.faultToFirstAckMillis() * 1e6);
            assertThat(statusCalls).as("trial %d: status asked between the fault and the first acknowledged write", trial.trial())
                    .noneMatch(call -> call.overlaps(trial.faultNanos(), firstAckNanos));
        }
        assertThat(result.acknowledgedWrites()).isGreaterThan(100);
        assertThat(result.passed()).isTrue();
        assertThat(result.exitCode()).isZero();
        for (String file : List.of("history.csv", "elections.csv", "faults.csv", "timeseries.csv", "election.hgrm",
                "unavailability.hgrm", "percentiles.csv", "summary.csv", "verdict.txt", "run.json")) {
            assertThat(out.resolve(file)).isNotEmptyFile();
        }
        try (Reader reader = Files.newBufferedReader(out.resolve("elections.csv"));
             CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            assertThat(parser.getHeaderNames()).containsExactly(CampaignFiles.ELECTIONS_HEADER);
            List<CSVRecord> rows = parser.getRecords();
            assertThat(rows).hasSize(trials);
            assertThat(rows).allMatch(row -> !row.get("fault_to_leader_ms").isEmpty() && !row.get("fault_to_first_ack_ms").isEmpty());
        }
        assertThat(Files.readString(out.resolve("election.hgrm"))).contains("Value", "#[Mean");

        // Node-side exactly-once: every replica audited its writes, none applied twice, and each applied at
        // least every write the history saw acknowledged (sessions are registered through the log too).
        String verdictText = Files.readString(out.resolve("verdict.txt"));
        Matcher audit = Pattern.compile("n(\\d) (\\d+) writes, (\\d+) repeated").matcher(verdictText);
        int audited = 0;
        while (audit.find()) {
            audited++;
            assertThat(Long.parseLong(audit.group(3))).as("node %s repeats", audit.group(1)).isZero();
            assertThat(Long.parseLong(audit.group(2))).as("node %s writes", audit.group(1))
                    .isGreaterThanOrEqualTo(result.acknowledgedWrites());
        }
        assertThat(audited).as(verdictText).isEqualTo(3);
        assertThat(verdictText).doesNotContain("had applied only");
        // The verdict names its checkers, each with what it counted.
        assertThat(verdictText).containsPattern("lost acknowledged writes: pass \\([\\d,]+ acknowledged writes checked")
                .containsPattern("writes applied twice: pass \\([\\d,]+ acknowledged unique-key writes")
                .contains("node write audit: pass (3 nodes")
                .containsPattern("linearizability: pass \\(3 keys, [\\d,]+ operations, search \\d+ ms\\)");
    }

    /**
     * Issue 20, finding 5: with the default 5 s deadline almost every operation ends OK, so the checkers' handling of
     * FAIL (definitely not applied) and UNKNOWN (may have been) went unexercised. With a 100 ms deadline
     * ({@code kvbench chaos --op-timeout-ms 100}) and the leader paused for 500 ms at a time, writes in flight to it
     * end UNKNOWN and reads FAIL, and an UNKNOWN write may have been applied all the same. The verdict must still be a
     * pass: an UNKNOWN write whose value is in the final state, or which a read saw, is no lost or phantom write.
     */
    @Test
    void shortOperationDeadlinesExerciseTheCheckersOnUnknownAndFailedOperations() throws Exception {
        CampaignSpec spec = CampaignSpec.builder().runId("ci-short-deadlines").fault(FaultKind.PAUSE_LEADER).trials(3)
                .trialInterval(Duration.ofSeconds(3)).downtime(Duration.ofMillis(500)).seed(43)
                .uniqueWriters(2).registerClients(2).registerKeys(3).ratePerThread(50)
                .operationDeadline(Duration.ofMillis(100)).build();
        CampaignResult result;
        Path out = directory.resolve("out");
        long unknownButApplied = 0;
        List<HistoryOp> unknownWrites;
        try (LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().nodeCount(3).build(),
                directory.resolve("cluster"));
             NettyResources netty = new NettyResources("test-reader", 1)) {
            result = Campaign.run(spec, cluster, out);
            unknownWrites = History.read(out.resolve("history.csv")).operations().stream()
                    .filter(op -> op.kind().isWrite() && op.outcome() == Outcome.UNKNOWN).toList();
            // Which of them took effect after all (the key still holds the value): for the record, not asserted, as
            // a paused leader's writes may all have been dropped.
            try (KvSessionClient reader = new KvSessionClient(netty, cluster.clientAddresses(), 1, Duration.ofSeconds(1),
                    Duration.ofSeconds(10))) {
                for (HistoryOp write : unknownWrites) {
                    if (write.kind() == io.kvbench.chaos.history.OperationKind.PUT && write.value().equals(reader.get(write.key()).value())) {
                        unknownButApplied++;
                    }
                }
            }
        }
        String verdictText = Files.readString(out.resolve("verdict.txt"));
        System.out.println(verdictText);
        History history = History.read(out.resolve("history.csv"));
        long failed = history.operations().stream().filter(op -> op.outcome() == Outcome.FAIL).count();
        System.out.printf(java.util.Locale.ROOT, "%d operations: %d UNKNOWN writes (%d of them found applied), %d FAIL%n",
                history.operations().size(), unknownWrites.size(), unknownButApplied, failed);

        assertThat(unknownWrites).as("writes whose outcome the client could not learn in 100 ms").isNotEmpty();
        assertThat(failed).as("operations that failed without effect (reads that got no answer)").isPositive();
        assertThat(result.verdict().passed()).as(result.verdict().describe()).isTrue();
        assertThat(verdictText).containsPattern("lost acknowledged writes: pass")
                .containsPattern("linearizability: pass \\(3 keys, [\\d,]+ operations")
                .contains("node write audit: pass (3 nodes");
    }
}
