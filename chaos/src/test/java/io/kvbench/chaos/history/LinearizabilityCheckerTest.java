package io.kvbench.chaos.history;

import static io.kvbench.chaos.history.HistoryOp.NEVER_COMPLETED;
import static io.kvbench.chaos.history.HistoryOp.cas;
import static io.kvbench.chaos.history.HistoryOp.delete;
import static io.kvbench.chaos.history.HistoryOp.get;
import static io.kvbench.chaos.history.HistoryOp.put;
import static io.kvbench.chaos.history.Outcome.FAIL;
import static io.kvbench.chaos.history.Outcome.OK;
import static io.kvbench.chaos.history.Outcome.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker();

    private Verdict check(HistoryOp... operations) {
        return checker.check(History.of(operations));
    }

    @Test
    void emptyHistoryIsLinearizable() {
        assertThat(check().passed()).isTrue();
    }

    @Test
    void sequentialPutsAndGetsAreLinearizable() {
        assertThat(check(
                get(0, "k", 0, 1, OK, null),
                put(0, "k", "a", 2, 3, OK),
                get(1, "k", 4, 5, OK, "a"),
                put(1, "k", "b", 6, 7, OK),
                get(0, "k", 8, 9, OK, "b"),
                delete(0, "k", 10, 11, OK),
                get(1, "k", 12, 13, OK, null)).passed()).isTrue();
    }

    /** Porcupine's TestRegisterModel, first history: a read concurrent with a write may see the old value. */
    @Test
    void readsConcurrentWithAWriteMaySeeEitherValue() {
        assertThat(check(
                put(0, "k", "100", 0, 100, OK),
                get(1, "k", 25, 75, OK, "100"),
                get(2, "k", 30, 60, OK, null)).passed()).isTrue();
    }

    /** Porcupine's TestRegisterModel, second history: once a read saw the new value, a later read cannot see the old. */
    @Test
    void readSeeingOldValueAfterAnotherReadSawNewValueIsNotLinearizable() {
        Verdict verdict = check(
                put(0, "k", "200", 0, 100, OK),
                get(1, "k", 10, 30, OK, "200"),
                get(2, "k", 40, 90, OK, null));
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.describe()).contains("key k is not linearizable").contains("read (absent)");
    }

    @Test
    void staleReadAfterAnAcknowledgedWriteCompletedIsNotLinearizable() {
        Verdict verdict = check(
                put(0, "k", "a", 0, 10, OK),
                put(0, "k", "b", 20, 30, OK),
                get(1, "k", 40, 50, OK, "a"));
        assertThat(verdict).isInstanceOf(Verdict.Fail.class);
        Violation violation = verdict.violations().get(0);
        assertThat(violation.description()).contains("p1 GET k OK read \"a\"").contains("cannot be linearized here");
        assertThat(violation.operations()).extracting(HistoryOp::kind).contains(OperationKind.GET);
        System.out.println(violation.description());
    }

    @Test
    void readOfAValueNeverWrittenIsNotLinearizable() {
        assertThat(check(
                put(0, "k", "a", 0, 10, OK),
                get(1, "k", 5, 15, OK, "ghost")).passed()).isFalse();
    }

    @Test
    void overlappingWritesAndReadsMayTakeEitherOrder() {
        assertThat(check(
                put(0, "k", "a", 0, 50, OK),
                put(1, "k", "b", 10, 60, OK),
                get(2, "k", 20, 30, OK, "b"),
                get(3, "k", 70, 80, OK, "a")).passed()).isTrue();
    }

    @Test
    void readsMustAgreeOnTheOrderOfConcurrentWrites() {
        // Two readers see a then b, and b then a: no single order of the writes explains both.
        assertThat(check(
                put(0, "k", "a", 0, 100, OK),
                put(1, "k", "b", 0, 100, OK),
                get(2, "k", 10, 20, OK, "a"),
                get(2, "k", 30, 40, OK, "b"),
                get(3, "k", 10, 20, OK, "b"),
                get(3, "k", 30, 40, OK, "a")).passed()).isFalse();
    }

    @Test
    void casChainIsLinearizable() {
        assertThat(check(
                put(0, "k", "0", 0, 10, OK),
                cas(1, "k", "0", "1", 20, 30, OK, true),
                cas(2, "k", "1", "2", 25, 40, OK, true),
                cas(3, "k", "0", "9", 26, 45, OK, false),
                get(0, "k", 50, 60, OK, "2")).passed()).isTrue();
    }

    @Test
    void casFromAbsentSwapsOnlyOnce() {
        assertThat(check(
                cas(0, "k", null, "a", 0, 10, OK, true),
                cas(1, "k", null, "b", 5, 15, OK, false),
                get(2, "k", 20, 30, OK, "a")).passed()).isTrue();
    }

    @Test
    void twoConflictingSuccessfulCasAreNotLinearizable() {
        assertThat(check(
                put(0, "k", "0", 0, 10, OK),
                cas(1, "k", "0", "1", 20, 40, OK, true),
                cas(2, "k", "0", "2", 20, 40, OK, true)).passed()).isFalse();
    }

    @Test
    void lostCasIsNotLinearizable() {
        // The CAS was acknowledged as swapped, yet a read after it completed still sees the old value.
        assertThat(check(
                put(0, "k", "0", 0, 10, OK),
                cas(1, "k", "0", "1", 20, 30, OK, true),
                get(2, "k", 40, 50, OK, "0")).passed()).isFalse();
    }

    @Test
    void casThatFailedToSwapMustHaveSeenADifferentValue() {
        assertThat(check(
                put(0, "k", "0", 0, 10, OK),
                cas(1, "k", "0", "1", 20, 30, OK, false)).passed()).isFalse();
    }

    @Test
    void unknownWriteThatTookEffectIsLinearizable() {
        assertThat(check(
                put(0, "k", "a", 0, 10, OK),
                put(1, "k", "b", 20, NEVER_COMPLETED, UNKNOWN),
                get(2, "k", 1_000, 1_010, OK, "b")).passed()).isTrue();
    }

    @Test
    void unknownWriteThatNeverTookEffectIsLinearizable() {
        assertThat(check(
                put(0, "k", "a", 0, 10, OK),
                put(1, "k", "b", 20, 25, UNKNOWN),
                get(2, "k", 1_000, 1_010, OK, "a")).passed()).isTrue();
    }

    @Test
    void unknownWriteTakesEffectAtMostOnce() {
        // b may appear late, but once overwritten by c it cannot come back.
        assertThat(check(
                put(0, "k", "a", 0, 10, OK),
                put(1, "k", "b", 20, NEVER_COMPLETED, UNKNOWN),
                get(2, "k", 100, 110, OK, "b"),
                put(2, "k", "c", 120, 130, OK),
                get(2, "k", 140, 150, OK, "b")).passed()).isFalse();
    }

    @Test
    void unknownWriteCannotTakeEffectBeforeItWasInvoked() {
        assertThat(check(
                get(0, "k", 0, 10, OK, "b"),
                put(1, "k", "b", 20, NEVER_COMPLETED, UNKNOWN)).passed()).isFalse();
    }

    @Test
    void failedWritesNeverTakeEffect() {
        assertThat(check(
                put(0, "k", "a", 0, 10, FAIL),
                get(1, "k", 20, 30, OK, null)).passed()).isTrue();
        assertThat(check(
                put(0, "k", "a", 0, 10, FAIL),
                get(1, "k", 20, 30, OK, "a")).passed()).isFalse();
    }

    @Test
    void keysAreCheckedIndependentlyAndOnlyTheBadKeyIsReported() {
        Verdict verdict = check(
                put(0, "good", "a", 0, 10, OK),
                get(1, "good", 20, 30, OK, "a"),
                put(0, "bad", "a", 0, 10, OK),
                get(1, "bad", 20, 30, OK, "z"));
        assertThat(verdict.violations()).hasSize(1);
        assertThat(verdict.violations().get(0).description()).startsWith("key bad ");
    }

    @Test
    void exhaustedSearchBudgetIsReportedAsUnknown() {
        List<HistoryOp> operations = new ArrayList<>();
        for (int process = 0; process < 12; process++) {
            operations.add(put(process, "k", "v" + process, 0, 1_000, OK));
        }
        operations.add(get(99, "k", 2_000, 2_001, OK, "never-written"));
        Verdict verdict = new LinearizabilityChecker(100, Duration.ofSeconds(10)).check(new History(operations));
        assertThat(verdict).isInstanceOf(Verdict.Unknown.class);
        assertThat(verdict.describe()).isEqualTo("unknown (search budget exhausted for keys [k])");
    }
}
