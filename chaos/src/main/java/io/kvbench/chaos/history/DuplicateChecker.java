package io.kvbench.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * No write may be applied twice. A client retries a write whose outcome it did not learn, so without the
 * session table's deduplication (Raft thesis §6.3) a retried write can be applied once per attempt.
 */
public final class DuplicateChecker {

    /**
     * @param applyCounts how many times the servers' state machine applied each (clientId, sequence)
     */
    public Verdict checkApplyCounts(History history, Map<WriteId, Integer> applyCounts) {
        Map<WriteId, List<HistoryOp>> operationsByWrite = new HashMap<>();
        for (HistoryOp op : history.operations()) {
            op.writeId().ifPresent(id -> operationsByWrite.computeIfAbsent(id, unused -> new ArrayList<>()).add(op));
        }
        List<Violation> violations = new ArrayList<>();
        applyCounts.forEach((writeId, count) -> {
            List<HistoryOp> operations = operationsByWrite.getOrDefault(writeId, List.of());
            if (count > 1) {
                violations.add(new Violation("duplicate: write " + writeId + " was applied " + count + " times",
                        operations));
            }
            // FAIL promises "definitely not applied"; a client may then reuse the key without a retry.
            for (HistoryOp op : operations) {
                if (count > 0 && op.outcome() == Outcome.FAIL) {
                    violations.add(new Violation("write " + writeId + " was reported FAIL (definitely not applied) "
                            + "but was applied " + count + " time(s): " + op.describe(), List.of(op)));
                }
            }
        });
        return Verdict.of(violations);
    }

    /**
     * For append-style registers where every appended value is unique: a value seen twice was applied twice.
     *
     * @param appendedValues the register's contents, read back in order
     */
    public Verdict checkAppendedValues(List<String> appendedValues) {
        Map<String, List<Integer>> positionsByValue = new LinkedHashMap<>();
        for (int position = 0; position < appendedValues.size(); position++) {
            positionsByValue.computeIfAbsent(appendedValues.get(position), unused -> new ArrayList<>()).add(position);
        }
        List<Violation> violations = new ArrayList<>();
        positionsByValue.forEach((value, positions) -> {
            if (positions.size() > 1) {
                violations.add(new Violation("duplicate: value " + HistoryOp.quote(value) + " appears "
                        + positions.size() + " times, at positions " + positions, List.of()));
            }
        });
        return Verdict.of(violations);
    }
}
