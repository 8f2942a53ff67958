package io.kvbench.chaos.campaign;

import io.kvbench.chaos.client.ClientOutcome;
import io.kvbench.chaos.history.DuplicateChecker;
import io.kvbench.chaos.history.History;
import io.kvbench.chaos.history.HistoryOp;
import io.kvbench.chaos.history.LinearizabilityChecker;
import io.kvbench.chaos.history.LostWriteChecker;
import io.kvbench.chaos.history.Outcome;
import io.kvbench.chaos.history.Verdict;
import io.kvbench.chaos.history.Violation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A campaign's safety checks after the load stopped, each reported on its own (verdict.txt, summary.csv, run.json)
 * and combined into one verdict:
 * <ul>
 *   <li>lost writes: every acknowledged write is in the final state read back from the cluster;</li>
 *   <li>writes applied twice, from the history: a unique-key PUT acknowledged with a previous value (its key already
 *       held something), and each final unique-key value once;</li>
 *   <li>the nodes' own write audit ({@link NodeAudit}: kvnode with --audit-writes), any write applied twice;</li>
 *   <li>registers: linearizable per key ({@link LinearizabilityChecker}).</li>
 * </ul>
 */
final class SafetyChecks {

    /** The combined verdict (any violation fails it; else anything undecided makes it unknown) and each checker's part. */
    record Report(Verdict verdict, List<CheckerResult> checkers) {
        Report {
            checkers = List.copyOf(checkers);
        }
    }

    private SafetyChecks() {
    }

    static Report run(CampaignSpec spec, CampaignKeys keys, History history, Map<String, ClientOutcome> finalState,
                      List<Workload.Completed> completed, List<NodeAudit.Report> audit, String target) {
        List<String> failedReads = new ArrayList<>();
        Map<String, String> finalValues = new HashMap<>();
        finalState.forEach((key, outcome) -> {
            if (outcome.ok()) {
                if (outcome.value() != null) finalValues.put(key, outcome.value());
            } else {
                failedReads.add("final read of " + key + " failed");
            }
        });
        List<Violation> violations = new ArrayList<>();
        List<String> undecided = new ArrayList<>(failedReads);
        List<CheckerResult> checkers = new ArrayList<>();

        List<Violation> lost = new LostWriteChecker().checkFinalValues(history, finalValues).violations();
        violations.addAll(lost);
        long acknowledgedWrites = history.operations().stream().filter(op -> op.kind().isWrite() && op.outcome() == Outcome.OK).count();
        checkers.add(new CheckerResult("lost_writes", resultOf(lost, failedReads), acknowledgedWrites, history.operations().size(),
                lost.size(), -1, CheckerResult.count(acknowledgedWrites) + " acknowledged writes checked against a final read of "
                + CheckerResult.count(finalState.size()) + " keys, " + lost.size() + " lost"
                + (failedReads.isEmpty() ? "" : ", " + failedReads.size() + " final reads failed")));

        List<Violation> duplicates = duplicatesInHistory(keys, completed);
        List<String> appended = new ArrayList<>();
        // Every unique-key value once: a value seen under two keys of one writer would be applied twice.
        finalValues.forEach((key, value) -> {
            if (keys.isUniqueKey(key)) appended.add(keys.writerOf(key) + ":" + value);
        });
        duplicates.addAll(new DuplicateChecker().checkAppendedValues(appended).violations());
        violations.addAll(duplicates);
        long uniqueWrites = completed.stream().filter(done -> done.isWrite() && done.outcome() == Outcome.OK
                && keys.isUniqueKey(done.key())).count();
        checkers.add(new CheckerResult("duplicates", resultOf(duplicates, failedReads), uniqueWrites, -1, duplicates.size(), -1,
                CheckerResult.count(uniqueWrites) + " acknowledged unique-key writes and " + CheckerResult.count(appended.size())
                        + " final values checked, " + duplicates.size() + " applied twice"));

        List<Violation> repeats = NodeAudit.violations(audit);
        violations.addAll(repeats);
        checkers.add(nodeAudit(audit, repeats, target));

        if (spec.registerClients() > 0) {
            List<HistoryOp> registerOps = history.operations().stream().filter(op -> keys.isRegisterKey(op.key())).toList();
            History registers = new History(registerOps);
            long startNanos = System.nanoTime();
            Verdict linearizable = new LinearizabilityChecker().check(registers);
            double searchMillis = (System.nanoTime() - startNanos) / 1e6;
            violations.addAll(linearizable.violations());
            if (linearizable instanceof Verdict.Unknown unknown) undecided.add("linearizability: " + unknown.reason());
            int registerKeys = registers.operationsByKey().size();
            checkers.add(new CheckerResult("linearizability", CheckerResult.result(linearizable), registerKeys, registerOps.size(),
                    linearizable.violations().size(), searchMillis, registerKeys + " keys, " + CheckerResult.count(registerOps.size())
                    + " operations, search " + Math.round(searchMillis) + " ms"
                    + (linearizable instanceof Verdict.Unknown unknown ? ", " + unknown.reason() : "")));
        } else {
            checkers.add(new CheckerResult("linearizability", CheckerResult.SKIPPED, -1, -1, 0, -1,
                    "no register clients (--register-clients 0)"));
        }
        Verdict verdict;
        if (!violations.isEmpty()) {
            verdict = new Verdict.Fail(violations);
        } else {
            verdict = undecided.isEmpty() ? new Verdict.Pass() : new Verdict.Unknown(String.join("; ", undecided));
        }
        return new Report(verdict, checkers);
    }

    /** A unique key is written once, so an acknowledged write that found a previous value there was applied twice. */
    private static List<Violation> duplicatesInHistory(CampaignKeys keys, List<Workload.Completed> completed) {
        List<Violation> violations = new ArrayList<>();
        for (Workload.Completed done : completed) {
            if (keys.isUniqueKey(done.key()) && done.outcome() == Outcome.OK && done.previousValue() != null) {
                violations.add(new Violation("duplicate: unique key " + done.key() + " already held "
                        + done.previousValue() + " when p" + done.process() + "'s write was applied", List.of()));
            }
        }
        return violations;
    }

    private static CheckerResult nodeAudit(List<NodeAudit.Report> audit, List<Violation> repeats, String target) {
        if (audit.isEmpty()) {
            return new CheckerResult("node_audit", CheckerResult.SKIPPED, -1, -1, 0, -1,
                    target.equals("etcd") ? NodeAudit.ETCD_REASON : "nodes not started with --audit-writes");
        }
        long mostAudited = audit.stream().mapToLong(NodeAudit.Report::auditedWrites).max().orElse(0);
        long repeated = audit.stream().mapToLong(NodeAudit.Report::repeatApplications).sum();
        return new CheckerResult("node_audit", repeats.isEmpty() ? CheckerResult.PASS : CheckerResult.FAIL, mostAudited, -1,
                repeats.size(), -1, audit.size() + " nodes, up to " + CheckerResult.count(mostAudited)
                + " distinct writes applied on each, " + repeated + " applied more than once");
    }

    /** A checker with violations fails; one that could not read the final state of some key is undecided. */
    private static String resultOf(List<Violation> violations, List<String> failedReads) {
        if (!violations.isEmpty()) return CheckerResult.FAIL;
        return failedReads.isEmpty() ? CheckerResult.PASS : CheckerResult.UNKNOWN;
    }
}
