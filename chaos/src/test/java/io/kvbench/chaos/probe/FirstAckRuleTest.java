package io.kvbench.chaos.probe;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

import static io.kvbench.chaos.probe.ProbeWrite.Answer.ACKNOWLEDGED;
import static io.kvbench.chaos.probe.ProbeWrite.Answer.LOST;
import static io.kvbench.chaos.probe.ProbeWrite.Answer.REFUSED;
import static org.assertj.core.api.Assertions.assertThat;

/** The probe's rule on synthetic histories: the earliest acknowledgement of a write invoked after the fault wins. */
class FirstAckRuleTest {
    private static final long FAULT = 1_000_000_000L;

    private static ProbeWrite write(int node, double invokedMillis, double answeredMillis, ProbeWrite.Answer answer) {
        return new ProbeWrite(node, FAULT + (long) (invokedMillis * 1e6), FAULT + (long) (answeredMillis * 1e6), answer);
    }

    @Test
    void theEarliestAcknowledgementWinsWhateverOrderTheAcknowledgementsArriveIn() {
        List<ProbeWrite> writes = new ArrayList<>(List.of(
                write(2, 1, 200, ACKNOWLEDGED),   // invoked first, acknowledged late (it waited in a queue)
                write(3, 2, 25, ACKNOWLEDGED),    // the earliest acknowledgement
                write(2, 3, 30, ACKNOWLEDGED),
                write(3, 20, 26, ACKNOWLEDGED)));
        Random random = new Random(7);
        for (int shuffle = 0; shuffle < 50; shuffle++) {
            Collections.shuffle(writes, random);
            assertThat(FirstAckRule.earliestAck(writes, FAULT)).hasValue(FAULT + 25_000_000L);
        }
    }

    @Test
    void anAcknowledgedWriteInvokedBeforeTheFaultNeverCountsHoweverLateOrEarlyItsAnswer() {
        List<ProbeWrite> writes = List.of(
                write(1, -0.5, 0.3, ACKNOWLEDGED),  // the old leader answered while the fault was landing
                write(2, -0.1, 40, ACKNOWLEDGED),   // invoked before, answered after the new leader's
                write(2, 0, 35, ACKNOWLEDGED));     // invoked at the fault itself: counts
        assertThat(FirstAckRule.earliestAck(writes, FAULT)).hasValue(FAULT + 35_000_000L);
    }

    @Test
    void countsFromWhenTheFaultWasCertainNotFromWhenItWasCalled() {
        long certain = FAULT + 2_000_000L; // the signal left 2 ms after the call
        List<ProbeWrite> writes = List.of(write(1, 1, 3, ACKNOWLEDGED), write(2, 2.5, 30, ACKNOWLEDGED));
        assertThat(FirstAckRule.earliestAck(writes, certain)).hasValue(FAULT + 30_000_000L);
    }

    @Test
    void refusedLostAndOutstandingWritesAreNotAcknowledgements() {
        List<ProbeWrite> writes = List.of(write(1, 1, 2, REFUSED), write(1, 2, 3, LOST), ProbeWrite.outstanding(2, FAULT + 1));
        assertThat(FirstAckRule.earliestAck(writes, FAULT)).isEqualTo(OptionalLong.empty());
        assertThat(FirstAckRule.earliestAck(List.of(), FAULT)).isEmpty();
    }

    @Test
    void comparesTimesAcrossTheWrapOfNanoTime() {
        long beforeWrap = Long.MAX_VALUE - 5_000_000L;
        List<ProbeWrite> writes = List.of(
                new ProbeWrite(1, beforeWrap + 1, beforeWrap + 20_000_000L, ACKNOWLEDGED),  // wraps to negative: later
                new ProbeWrite(2, beforeWrap + 2, beforeWrap + 4_000_000L, ACKNOWLEDGED));
        assertThat(FirstAckRule.earliestAck(writes, beforeWrap)).hasValue(beforeWrap + 4_000_000L);
    }
}
