package io.kvbench.chaos.history;

import static io.kvbench.chaos.history.Outcome.FAIL;
import static io.kvbench.chaos.history.Outcome.OK;
import static io.kvbench.chaos.history.Outcome.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DuplicateCheckerTest {
    private final DuplicateChecker checker = new DuplicateChecker();
    private final History history = History.of(
            HistoryOp.put(1, "k", "a", 0, 10, OK).withWriteId(1, 1),
            HistoryOp.put(1, "k", "b", 20, HistoryOp.NEVER_COMPLETED, UNKNOWN).withWriteId(1, 2),
            HistoryOp.put(2, "k", "c", 20, 30, FAIL).withWriteId(2, 1));

    @Test
    void eachWriteAppliedAtMostOncePasses() {
        Map<WriteId, Integer> counts = Map.of(new WriteId(1, 1), 1, new WriteId(1, 2), 0, new WriteId(2, 1), 0);
        assertThat(checker.checkApplyCounts(history, counts).passed()).isTrue();
    }

    @Test
    void writeAppliedTwiceIsADuplicate() {
        Verdict verdict = checker.checkApplyCounts(history, Map.of(new WriteId(1, 1), 1, new WriteId(1, 2), 2));
        assertThat(verdict.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.description()).isEqualTo("duplicate: write c1#2 was applied 2 times");
            assertThat(violation.operations()).extracting(HistoryOp::value).containsExactly("b");
        });
    }

    /** An UNKNOWN write may have been applied (once): no violation either way. */
    @Test
    void anUnknownWriteAppliedOnceOrNeverPasses() {
        assertThat(checker.checkApplyCounts(history, Map.of(new WriteId(1, 1), 1, new WriteId(1, 2), 1)).passed()).isTrue();
        assertThat(checker.checkApplyCounts(history, Map.of(new WriteId(1, 1), 1)).passed()).isTrue();
    }

    @Test
    void writeReportedFailedButAppliedIsAViolation() {
        Verdict verdict = checker.checkApplyCounts(history, Map.of(new WriteId(2, 1), 1));
        assertThat(verdict.describe()).contains("c2#1 was reported FAIL (definitely not applied) but was applied 1 time(s)");
    }

    @Test
    void appendedValuesMustBeDistinct() {
        assertThat(checker.checkAppendedValues(List.of("a", "b", "c")).passed()).isTrue();
        Verdict verdict = checker.checkAppendedValues(List.of("a", "b", "a", "c", "a"));
        assertThat(verdict.describe()).contains("duplicate: value \"a\" appears 3 times, at positions [0, 2, 4]");
    }
}
