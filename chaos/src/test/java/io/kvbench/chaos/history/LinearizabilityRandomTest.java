package io.kvbench.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Histories from an atomic register simulation are linearizable; corrupting one read must be caught. */
class LinearizabilityRandomTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void simulatedAtomicRegisterHistoriesAreLinearizable(long seed) {
        History history = new RandomRegisterHistory(seed, 3).generate(600, 6);
        Verdict verdict = checker.check(history);
        assertThat(verdict.passed()).as(verdict.describe()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void aReadOfANeverWrittenValueIsCaught(long seed) {
        History history = new RandomRegisterHistory(seed, 3).generate(300, 6);
        HistoryOp read = middleAcknowledgedRead(history);
        Verdict verdict = checker.check(replace(history, read, read.withResult("never-written")));
        assertThat(verdict).isInstanceOf(Verdict.Fail.class);
        assertThat(verdict.violations()).hasSize(1);
        assertThat(verdict.violations().get(0).description()).startsWith("key " + read.key() + " ");
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25})
    void aReadOfAValueWrittenOnlyAfterTheReadCompletedIsCaught(long seed) {
        History history = new RandomRegisterHistory(seed, 3).generate(300, 6);
        for (HistoryOp read : acknowledgedReads(history)) {
            Optional<HistoryOp> futureWrite = history.operations().stream()
                    .filter(op -> op.kind() == OperationKind.PUT && op.key().equals(read.key())
                            && op.outcome() == Outcome.OK && op.invokeNanos() > read.completeNanos())
                    .findFirst();
            if (futureWrite.isPresent()) {
                Verdict verdict = checker.check(replace(history, read, read.withResult(futureWrite.get().value())));
                assertThat(verdict).isInstanceOf(Verdict.Fail.class);
                return;
            }
        }
        throw new AssertionError("the generated history has no read followed by a write on its key");
    }

    @Test
    void fiveKeysWithTwoThousandOperationsEachAtConcurrencyEightCheckQuickly() {
        History history = new RandomRegisterHistory(42, 5).generate(10_000, 8);
        long startNanos = System.nanoTime();
        Verdict verdict = checker.check(history);
        long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
        System.out.println("linearizability check of " + history.operations().size() + " operations on 5 keys took "
                + elapsedMillis + " ms");
        assertThat(verdict.passed()).as(verdict.describe()).isTrue();
    }

    private static List<HistoryOp> acknowledgedReads(History history) {
        return history.operations().stream()
                .filter(op -> op.kind() == OperationKind.GET && op.outcome() == Outcome.OK)
                .toList();
    }

    private static HistoryOp middleAcknowledgedRead(History history) {
        List<HistoryOp> reads = acknowledgedReads(history);
        return reads.get(reads.size() / 2);
    }

    private static History replace(History history, HistoryOp original, HistoryOp replacement) {
        List<HistoryOp> operations = new ArrayList<>(history.operations());
        operations.set(operations.indexOf(original), replacement);
        return new History(operations);
    }
}
