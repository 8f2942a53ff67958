package io.kvbench.chaos.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every acknowledged write must survive: checked against the state read back from the cluster after the campaign.
 *
 * <p>The workload it is exact for writes each value once into its own key ({@code c<client>-<seq>}), so an
 * acknowledged PUT is lost exactly when its key is absent or holds something else. With keys written more than
 * once, a different final value is excused only by another write that could be ordered after the acknowledged one
 * (one that did not complete before it was invoked and is not known to have failed); the check is then a necessary
 * condition, and the linearizability checker does the rest.
 */
public final class LostWriteChecker {

    /**
     * @param finalValues every key the history writes, read back after the campaign (a missing entry = absent key)
     */
    public Verdict checkFinalValues(History history, Map<String, String> finalValues) {
        List<Violation> violations = new ArrayList<>();
        history.operationsByKey().forEach((key, operations) -> {
            String finalValue = finalValues.get(key);
            for (HistoryOp write : operations) {
                if (isAcknowledgedEffect(write) && !Objects.equals(effectValue(write), finalValue)
                        && !anyLaterWrite(write, operations)) {
                    violations.add(new Violation("lost write: " + write.describe() + " was acknowledged but key "
                            + key + " holds " + HistoryOp.quote(finalValue) + " and no write could have replaced it",
                            List.of(write)));
                }
            }
            if (finalValue != null && operations.stream().noneMatch(op -> mayHaveWritten(op, finalValue))) {
                violations.add(new Violation("key " + key + " holds " + HistoryOp.quote(finalValue)
                        + ", which no operation in the history may have written", List.of()));
            }
        });
        return Verdict.of(violations);
    }

    /**
     * For counter-style workloads where the servers report which session writes they applied.
     *
     * @param appliedWrites every (clientId, sequence) the state machine applied
     */
    public Verdict checkAppliedWrites(History history, Set<WriteId> appliedWrites) {
        List<Violation> violations = new ArrayList<>();
        for (HistoryOp op : history.operations()) {
            if (op.kind().isWrite() && op.outcome() == Outcome.OK && op.writeId().isPresent()
                    && !appliedWrites.contains(op.writeId().get())) {
                violations.add(new Violation("lost write: " + op.describe()
                        + " was acknowledged but the servers never applied " + op.writeId().get(), List.of(op)));
            }
        }
        return Verdict.of(violations);
    }

    /** Acknowledged and known to have changed the value: PUT, DELETE, or a CAS that swapped. */
    private static boolean isAcknowledgedEffect(HistoryOp op) {
        return op.outcome() == Outcome.OK && op.kind().isWrite() && (op.kind() != OperationKind.CAS || op.swapped());
    }

    private static String effectValue(HistoryOp write) {
        return write.kind() == OperationKind.DELETE ? null : write.value();
    }

    /** A write that may have taken effect after {@code acknowledged}: it did not return before it was invoked. */
    private static boolean anyLaterWrite(HistoryOp acknowledged, List<HistoryOp> operations) {
        return operations.stream().anyMatch(other -> other != acknowledged
                && other.kind().isWrite()
                && other.outcome() != Outcome.FAIL
                && !(other.outcome() == Outcome.OK && other.kind() == OperationKind.CAS && !other.swapped())
                && (other.outcome() == Outcome.UNKNOWN || other.completeNanos() >= acknowledged.invokeNanos()));
    }

    private static boolean mayHaveWritten(HistoryOp op, String value) {
        boolean casKnownNotToSwap = op.kind() == OperationKind.CAS && op.outcome() == Outcome.OK && !op.swapped();
        return op.outcome() != Outcome.FAIL && !casKnownNotToSwap && value.equals(op.value());
    }
}
