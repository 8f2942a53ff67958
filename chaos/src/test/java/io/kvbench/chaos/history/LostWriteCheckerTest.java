package io.kvbench.chaos.history;

import static io.kvbench.chaos.history.HistoryOp.NEVER_COMPLETED;
import static io.kvbench.chaos.history.HistoryOp.cas;
import static io.kvbench.chaos.history.HistoryOp.delete;
import static io.kvbench.chaos.history.HistoryOp.put;
import static io.kvbench.chaos.history.Outcome.FAIL;
import static io.kvbench.chaos.history.Outcome.OK;
import static io.kvbench.chaos.history.Outcome.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LostWriteCheckerTest {
    private final LostWriteChecker checker = new LostWriteChecker();

    /** The unique-key workload: client c writes value c-seq into key c<client>-<seq>. */
    private static HistoryOp uniqueWrite(int client, int sequence, Outcome outcome) {
        String key = "c" + client + "-" + sequence;
        long invokeNanos = sequence * 100L;
        long completeNanos = outcome == UNKNOWN ? NEVER_COMPLETED : invokeNanos + 50;
        return put(client, key, key, invokeNanos, completeNanos, outcome).withWriteId(client, sequence);
    }

    @Test
    void allAcknowledgedWritesPresentPasses() {
        History history = History.of(uniqueWrite(1, 1, OK), uniqueWrite(1, 2, OK), uniqueWrite(2, 1, OK));
        assertThat(checker.checkFinalValues(history, Map.of("c1-1", "c1-1", "c1-2", "c1-2", "c2-1", "c2-1")).passed())
                .isTrue();
    }

    @Test
    void missingAcknowledgedWriteIsLost() {
        History history = History.of(uniqueWrite(1, 1, OK), uniqueWrite(1, 2, OK));
        Verdict verdict = checker.checkFinalValues(history, Map.of("c1-1", "c1-1"));
        assertThat(verdict.violations()).hasSize(1);
        assertThat(verdict.violations().get(0).description()).startsWith("lost write: p1 PUT c1-2 \"c1-2\" OK [c1#2]");
    }

    @Test
    void unknownAndFailedWritesMayBeAbsentOrPresent() {
        History history = History.of(uniqueWrite(1, 1, UNKNOWN), uniqueWrite(1, 2, UNKNOWN), uniqueWrite(1, 3, FAIL));
        assertThat(checker.checkFinalValues(history, Map.of("c1-1", "c1-1")).passed()).isTrue();
    }

    @Test
    void valueThatNoOperationWroteIsReported() {
        History history = History.of(uniqueWrite(1, 1, OK), uniqueWrite(1, 2, FAIL));
        Verdict verdict = checker.checkFinalValues(history, Map.of("c1-1", "c1-1", "c1-2", "c1-2"));
        assertThat(verdict.describe()).contains("key c1-2 holds \"c1-2\", which no operation in the history may have written");
    }

    /**
     * Issue 20, finding 5: a retried write answered "session unknown" whose first copy was applied. Recorded FAIL (as it
     * was), its value in the final state looks like one no operation wrote: a false alarm. Recorded UNKNOWN (as it is
     * now), it may have been applied, and its value is explained.
     */
    @Test
    void aWriteThatMayHaveBeenAppliedExplainsItsValueOnlyWhenRecordedUnknown() {
        Map<String, String> finalValues = Map.of("c1-1", "c1-1", "c1-2", "c1-2");
        assertThat(checker.checkFinalValues(History.of(uniqueWrite(1, 1, OK), uniqueWrite(1, 2, UNKNOWN)), finalValues).passed()).isTrue();
        assertThat(checker.checkFinalValues(History.of(uniqueWrite(1, 1, OK), uniqueWrite(1, 2, FAIL)), finalValues).describe())
                .contains("which no operation in the history may have written");
    }

    /** An UNKNOWN write may take effect after an acknowledged one it did not precede: the key may end up holding it. */
    @Test
    void anUnknownWriteMayOverwriteAnAcknowledgedOneAFailedOneMayNot() {
        HistoryOp acknowledged = put(1, "k", "a", 0, 10, OK);
        assertThat(checker.checkFinalValues(History.of(acknowledged, put(2, "k", "b", 20, NEVER_COMPLETED, UNKNOWN)), Map.of("k", "b"))
                .passed()).isTrue();
        assertThat(checker.checkFinalValues(History.of(acknowledged, put(2, "k", "b", 20, 30, FAIL)), Map.of("k", "b"))
                .violations()).isNotEmpty();
    }

    @Test
    void overwriteByAConcurrentOrLaterWriteIsNotALoss() {
        History history = History.of(
                put(1, "k", "a", 0, 10, OK),
                put(2, "k", "b", 5, 20, OK),
                put(3, "j", "x", 0, 10, OK),
                delete(3, "j", 30, 40, OK));
        assertThat(checker.checkFinalValues(history, Map.of("k", "a")).passed()).isTrue();
        assertThat(checker.checkFinalValues(history, Map.of("k", "b")).passed()).isTrue();
    }

    @Test
    void overwriteByAWriteThatCompletedEarlierCannotExplainTheLoss() {
        History history = History.of(
                put(1, "k", "a", 0, 10, OK),
                put(2, "k", "b", 20, 30, OK),
                cas(3, "k", "zzz", "c", 40, 50, OK, false));
        Verdict verdict = checker.checkFinalValues(history, Map.of("k", "a"));
        assertThat(verdict.violations()).singleElement()
                .satisfies(violation -> assertThat(violation.description()).contains("PUT k \"b\""));
    }

    @Test
    void appliedWritesMustIncludeEveryAcknowledgedWriteId() {
        History history = History.of(uniqueWrite(1, 1, OK), uniqueWrite(1, 2, OK), uniqueWrite(2, 1, UNKNOWN));
        assertThat(checker.checkAppliedWrites(history, Set.of(new WriteId(1, 1), new WriteId(1, 2))).passed()).isTrue();
        Verdict verdict = checker.checkAppliedWrites(history, Set.of(new WriteId(1, 1)));
        assertThat(verdict.describe()).contains("never applied c1#2");
    }
}
