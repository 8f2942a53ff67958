package io.kvbench.chaos.campaign;

import io.kvbench.chaos.client.ClientOutcome;
import io.kvbench.chaos.history.History;
import io.kvbench.chaos.history.HistoryOp;
import io.kvbench.chaos.history.OperationKind;
import io.kvbench.chaos.history.Outcome;
import io.kvbench.chaos.history.Verdict;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each checker reports on its own: its result, what it counted, what it found; the verdict combines them. */
class SafetyChecksTest {
    private final CampaignKeys keys = new CampaignKeys("t.1/");
    private final CampaignSpec spec = CampaignSpec.builder().runId("t").registerClients(1).registerKeys(1).build();

    private final List<HistoryOp> history = new ArrayList<>();
    private final List<Workload.Completed> completed = new ArrayList<>();
    private final Map<String, ClientOutcome> finalState = new LinkedHashMap<>();

    @Test
    void aCleanHistoryPassesEveryCheckerAndSaysWhatEachLookedAt() {
        uniqueWrite(1, 1, "a", 0, 10);
        uniqueWrite(1, 2, "b", 20, 30);
        register(HistoryOp.put(3, keys.registerKey(0), "x", 0, 5, Outcome.OK));
        register(HistoryOp.get(3, keys.registerKey(0), 6, 8, Outcome.OK, "x"));
        finalState.put(keys.registerKey(0), read("x"));
        List<NodeAudit.Report> audit = List.of(new NodeAudit.Report(1, 3, 0, 9, true), new NodeAudit.Report(2, 3, 0, 9, true));

        SafetyChecks.Report report = check(audit, "kvnode");

        assertThat(report.verdict().passed()).as(report.verdict().describe()).isTrue();
        assertThat(report.checkers()).extracting(CheckerResult::checker)
                .containsExactly("lost_writes", "duplicates", "node_audit", "linearizability");
        assertThat(report.checkers()).allMatch(checker -> checker.result().equals(CheckerResult.PASS));
        CheckerResult lost = report.checkers().get(0);
        assertThat(lost.checked()).as("acknowledged writes").isEqualTo(3);
        assertThat(lost.operations()).isEqualTo(4);
        assertThat(lost.describe()).isEqualTo("lost acknowledged writes: pass (3 acknowledged writes checked against a final read of 3 keys, 0 lost)");
        assertThat(report.checkers().get(1).checked()).as("unique-key writes").isEqualTo(2);
        assertThat(report.checkers().get(2).describe()).contains("2 nodes, up to 3 distinct writes", "0 applied more than once");
        CheckerResult linearizability = report.checkers().get(3);
        assertThat(linearizability.checked()).as("keys").isEqualTo(1);
        assertThat(linearizability.operations()).isEqualTo(2);
        assertThat(linearizability.searchMillis()).isGreaterThanOrEqualTo(0);
        assertThat(linearizability.describe()).matches("linearizability: pass \\(1 keys, 2 operations, search \\d+ ms\\)");
    }

    @Test
    void aLostWriteFailsItsCheckerAlone() {
        uniqueWrite(1, 1, "a", 0, 10);
        finalState.put(keys.uniqueKey(1, 1), read(null)); // acknowledged, then gone

        SafetyChecks.Report report = check(List.of(), "etcd");

        assertThat(report.verdict()).isInstanceOf(Verdict.Fail.class);
        assertThat(byName(report, "lost_writes").result()).isEqualTo(CheckerResult.FAIL);
        assertThat(byName(report, "lost_writes").violations()).isEqualTo(1);
        assertThat(byName(report, "duplicates").result()).isEqualTo(CheckerResult.PASS);
        assertThat(byName(report, "node_audit").result()).isEqualTo(CheckerResult.SKIPPED);
        assertThat(byName(report, "node_audit").details()).isEqualTo(NodeAudit.ETCD_REASON);
    }

    @Test
    void aWriteThatFoundItsUniqueKeyTakenIsADuplicate() {
        uniqueWrite(1, 1, "a", 0, 10);
        completed.set(0, new Workload.Completed(1, OperationKind.PUT, keys.uniqueKey(1, 1), 0, 0, 10, Outcome.OK, 1, "a"));

        SafetyChecks.Report report = check(List.of(new NodeAudit.Report(1, 1, 1, 3, true)), "kvnode");

        assertThat(byName(report, "duplicates").result()).isEqualTo(CheckerResult.FAIL);
        assertThat(byName(report, "node_audit").result()).isEqualTo(CheckerResult.FAIL);
        assertThat(byName(report, "lost_writes").result()).isEqualTo(CheckerResult.PASS);
        assertThat(report.verdict().violations()).hasSize(2);
    }

    @Test
    void aFailedFinalReadLeavesTheStateCheckersUndecided() {
        uniqueWrite(1, 1, "a", 0, 10);
        finalState.put(keys.uniqueKey(1, 1), new ClientOutcome(Outcome.UNKNOWN, null, false, -1, -1, 0, 0));
        finalState.put(keys.registerKey(0), read(null));

        SafetyChecks.Report report = check(List.of(), "kvnode");

        // The key reads as absent, so the write shows as lost: a failed read can only fail or leave things undecided.
        assertThat(byName(report, "lost_writes").details()).contains("1 final reads failed");
        assertThat(report.verdict().passed()).isFalse();
        assertThat(byName(report, "node_audit").details()).isEqualTo("nodes not started with --audit-writes");
    }

    @Test
    void summaryCsvHasOneRowPerFigureAndPerChecker(@TempDir Path directory) throws Exception {
        uniqueWrite(1, 1, "a", 0, 10);
        SafetyChecks.Report report = check(List.of(), "kvnode");
        Path file = directory.resolve("summary.csv");

        CampaignFiles.writeSummary(file, List.of(new LatencySummary("election", 2, 10, 11, 12, 13, 14, 11.5)),
                report.verdict(), report.checkers(), "kvnode test, heartbeat 30 ms");

        List<CSVRecord> rows;
        try (Reader reader = Files.newBufferedReader(file)) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
        assertThat(rows).extracting(row -> row.get("metric")).containsExactly("election", "check_lost_writes",
                "check_duplicates", "check_node_audit", "check_linearizability");
        assertThat(rows.get(0).get("p50_ms")).isEqualTo("11");
        assertThat(rows.get(0).get("checked")).isEmpty();
        assertThat(rows.get(1).get("verdict")).isEqualTo("pass");
        assertThat(rows.get(1).get("checked")).isEqualTo("1");
        assertThat(rows.get(1).get("p50_ms")).isEmpty();
        assertThat(rows.get(3).get("verdict")).isEqualTo("skipped");
        assertThat(rows.get(4).get("search_ms")).matches("\\d+(\\.\\d+)?");
        assertThat(rows.get(4).get("operations")).isEqualTo("0");
        assertThat(rows).extracting(row -> row.get("target_label")).containsOnly("kvnode test, heartbeat 30 ms");
    }

    private SafetyChecks.Report check(List<NodeAudit.Report> audit, String target) {
        return SafetyChecks.run(spec, keys, new History(history), finalState, completed, audit, target);
    }

    private static CheckerResult byName(SafetyChecks.Report report, String checker) {
        return report.checkers().stream().filter(c -> c.checker().equals(checker)).findFirst().orElseThrow();
    }

    private void uniqueWrite(int process, long seq, String value, long invoke, long complete) {
        String key = keys.uniqueKey(process, seq);
        history.add(HistoryOp.put(process, key, value, invoke, complete, Outcome.OK));
        completed.add(new Workload.Completed(process, OperationKind.PUT, key, invoke, invoke, complete, Outcome.OK, 1, null));
        finalState.put(key, read(value));
    }

    private void register(HistoryOp op) {
        history.add(op);
    }

    private static ClientOutcome read(String value) {
        return new ClientOutcome(Outcome.OK, value, false, -1, -1, 1, 0);
    }
}
