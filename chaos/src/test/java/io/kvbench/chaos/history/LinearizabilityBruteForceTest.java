package io.kvbench.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks the memoized search against the definition: try every order of the operations that respects real
 * time (an operation that returned before another was invoked comes first) and see whether the register allows it.
 * Small random single-key histories with random results are linearizable about half the time, so both answers
 * are exercised.
 */
class LinearizabilityBruteForceTest {
    private static final String[] VALUES = {null, "a", "b"};

    @Test
    void memoizedSearchAgreesWithExhaustiveSearchOnSmallRandomHistories() {
        Random random = new Random(2024);
        LinearizabilityChecker checker = new LinearizabilityChecker();
        int linearizableCount = 0;
        int historyCount = 3_000;
        for (int round = 0; round < historyCount; round++) {
            List<HistoryOp> operations = randomOperations(random, 1 + random.nextInt(7));
            boolean expected = bruteForceLinearizable(relevant(operations), new ArrayList<>(), null);
            Verdict verdict = checker.check(new History(operations));
            assertThat(verdict.passed()).as("history %s", operations).isEqualTo(expected);
            linearizableCount += expected ? 1 : 0;
        }
        System.out.println(linearizableCount + " of " + historyCount + " random small histories were linearizable");
        assertThat(linearizableCount).isBetween(historyCount / 10, historyCount * 9 / 10);
    }

    private static List<HistoryOp> randomOperations(Random random, int count) {
        List<HistoryOp> operations = new ArrayList<>();
        for (int process = 0; process < count; process++) {
            long invoke = random.nextInt(20);
            long complete = invoke + random.nextInt(10);
            int outcomeDice = random.nextInt(10);
            Outcome outcome = outcomeDice < 7 ? Outcome.OK : outcomeDice < 9 ? Outcome.UNKNOWN : Outcome.FAIL;
            if (outcome == Outcome.UNKNOWN && random.nextBoolean()) {
                complete = HistoryOp.NEVER_COMPLETED;
            }
            String value = "ab".substring(random.nextInt(2)).substring(0, 1);
            operations.add(switch (random.nextInt(4)) {
                case 0 -> HistoryOp.put(process, "k", value, invoke, complete, outcome);
                case 1 -> HistoryOp.get(process, "k", invoke, complete, outcome, VALUES[random.nextInt(3)]);
                case 2 -> HistoryOp.cas(process, "k", VALUES[random.nextInt(3)], value, invoke, complete, outcome,
                        random.nextBoolean());
                default -> HistoryOp.delete(process, "k", invoke, complete, outcome);
            });
        }
        return operations;
    }

    private static List<HistoryOp> relevant(List<HistoryOp> operations) {
        return operations.stream()
                .filter(op -> op.outcome() != Outcome.FAIL)
                .filter(op -> !(op.outcome() == Outcome.UNKNOWN && op.kind() == OperationKind.GET))
                .toList();
    }

    /** Every op must be placed; an UNKNOWN one returns at +infinity, so "never took effect" is "placed last". */
    private static boolean bruteForceLinearizable(List<HistoryOp> remaining, List<HistoryOp> placed, String state) {
        if (remaining.isEmpty()) {
            return true;
        }
        for (HistoryOp candidate : remaining) {
            boolean someOtherReturnedBeforeCandidateStarted = remaining.stream()
                    .anyMatch(other -> other != candidate && returnTime(other) < candidate.invokeNanos());
            if (someOtherReturnedBeforeCandidateStarted) {
                continue;
            }
            Object next = RegisterModel.step(state, candidate);
            if (next == RegisterModel.ILLEGAL) {
                continue;
            }
            List<HistoryOp> rest = new ArrayList<>(remaining);
            rest.remove(candidate);
            placed.add(candidate);
            if (bruteForceLinearizable(rest, placed, (String) next)) {
                return true;
            }
            placed.remove(placed.size() - 1);
        }
        return false;
    }

    private static long returnTime(HistoryOp op) {
        return op.outcome() == Outcome.OK ? op.completeNanos() : Long.MAX_VALUE;
    }
}
