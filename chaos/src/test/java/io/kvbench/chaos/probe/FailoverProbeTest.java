package io.kvbench.chaos.probe;

import io.kvbench.net.NettyResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static io.kvbench.chaos.probe.ProbeWrite.Answer.ACKNOWLEDGED;
import static io.kvbench.chaos.probe.ProbeWrite.Answer.REFUSED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe's rounds and its first-acknowledgement rule as the campaign drives them (start, countFrom, finish), on
 * its real event loop with a scripted transport: which writes go out, when, and which acknowledgement is the
 * figure. Answers carry the arrival times the test gives them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverProbeTest {
    private static final Duration INTERVAL = Duration.ofMillis(1);
    private static final long MILLIS = 1_000_000L;

    private final ScriptedTransport transport = new ScriptedTransport();
    private FailoverProbe probe;

    /** One write as the transport saw it: when it reached the transport (just after the probe invoked it). */
    private record Sent(int node, String key, long sentNanos, ProbeTransport.AnswerCallback answer) {
    }

    /** Answers nothing by itself (rehearsals excepted); reaches the nodes the test lets it. */
    private static final class ScriptedTransport implements ProbeTransport {
        final Set<Integer> reachable = ConcurrentHashMap.newKeySet();
        final List<Sent> sent = new CopyOnWriteArrayList<>();

        @Override
        public void prepare(long deadlineNanos) {
        }

        @Override
        public boolean canSend(int node) {
            return reachable.contains(node);
        }

        @Override
        public void send(int node, long sequence, String key, String value, AnswerCallback answer) {
            if (value.equals("rehearsal")) {
                answer.answered(System.nanoTime(), REFUSED);
                return;
            }
            sent.add(new Sent(node, key, System.nanoTime(), answer));
        }

        @Override
        public void endTrial() {
        }

        @Override
        public void close() {
        }

        List<Sent> to(int node) {
            return sent.stream().filter(write -> write.node() == node).toList();
        }
    }

    @BeforeEach
    void openProbe() throws Exception {
        NettyResources netty = new NettyResources("probe-test", 1);
        probe = FailoverProbe.over(netty, transport, List.of(1, 2, 3), "k/", INTERVAL);
        transport.reachable.addAll(List.of(1, 2, 3));
        probe.prepare(Duration.ofSeconds(5));
    }

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    /** Runs {@code answer} on the probe's event loop, as a transport's answer would. */
    private void answer(Sent write, long arrivalNanos) throws Exception {
        probe.eventLoop().submit(() -> write.answer().answered(arrivalNanos, ACKNOWLEDGED)).get();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out waiting for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void anAcknowledgementOfAWriteInvokedBeforeTheFaultWasCertainNeverCountsAndTheEarliestArrivalWins() throws Exception {
        long fault = System.nanoTime();
        FailoverProbe.Trial trial = probe.start(fault, 1, false);
        await(() -> transport.sent.size() >= 6, "two rounds");
        // One thread sends, round after round: every write of the second round was invoked after the first round's last.
        long certain = transport.sent.get(2).sentNanos() + 1;
        Sent beforeCertain = transport.sent.get(0);
        Sent secondRoundNode1 = transport.sent.get(3);
        Sent secondRoundNode2 = transport.sent.get(4);
        trial.countFrom(certain);
        answer(beforeCertain, certain + MILLIS); // the old leader, while the fault was landing: the earliest, not counted
        int sentBeforeCountedAcknowledgement = transport.sent.size();
        await(() -> transport.sent.size() > sentBeforeCountedAcknowledgement, "rounds going on after an acknowledgement that does not count");
        answer(secondRoundNode2, certain + 5 * MILLIS);
        answer(secondRoundNode1, certain + 3 * MILLIS); // processed later, arrived earlier
        assertThat(trial.awaitFirstAck(System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).isPresent();

        ProbeResult result = trial.finish();
        assertThat(result.firstAckNanos()).hasValue(certain + 3 * MILLIS);
        assertThat(result.writes()).isEqualTo(transport.sent.size());
        assertThat(result.cpuNanos()).isNotNegative();
    }

    @Test
    void anAcknowledgementAnsweredBeforeTheFaultWasKnownCertainCountsOnceItIs() throws Exception {
        long fault = System.nanoTime();
        FailoverProbe.Trial trial = probe.start(fault, 1, false);
        await(() -> transport.sent.size() >= 6, "two rounds");
        long certain = transport.sent.get(2).sentNanos() + 1;
        answer(transport.sent.get(5), certain + 2 * MILLIS); // before the campaign knew when the signal left
        int sentBeforeCountFrom = transport.sent.size();
        await(() -> transport.sent.size() > sentBeforeCountFrom, "rounds going on while no acknowledgement counts yet");

        trial.countFrom(certain);
        assertThat(trial.awaitFirstAck(System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).hasValue(certain + 2 * MILLIS);
        assertThat(trial.finish().firstAckNanos()).hasValue(certain + 2 * MILLIS);
    }

    @Test
    void roundsStopAtTheFirstAcknowledgementThatCounts() throws Exception {
        long fault = System.nanoTime();
        FailoverProbe.Trial trial = probe.start(fault, 1, false);
        trial.countFrom(fault);
        await(() -> transport.sent.size() >= 6, "two rounds");
        answer(transport.sent.get(4), System.nanoTime());
        trial.awaitFirstAck(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        // The rounds run on the thread that handled the acknowledgement: once it has, none is sent after.
        int sentAtAcknowledgement = transport.sent.size();
        LockSupport.parkNanos(20 * MILLIS);
        assertThat(transport.sent).hasSize(sentAtAcknowledgement);
        trial.finish();
    }

    @Test
    void roundsKeepTheirIntervalAndAfterAStallSkipWhatTheyMissedRatherThanBurst() throws Exception {
        long fault = System.nanoTime();
        FailoverProbe.Trial trial = probe.start(fault, 1, false);
        trial.countFrom(fault);
        await(() -> transport.sent.size() >= 30, "ten rounds");
        long stallNanos = 20 * MILLIS;
        long stallEnd = probe.eventLoop().submit(() -> {
            LockSupport.parkNanos(stallNanos); // the probe's thread off the CPU
            return System.nanoTime();
        }).get();
        await(() -> transport.sent.stream().filter(write -> write.sentNanos() - stallEnd > 0).count() >= 30, "ten rounds after the stall");
        ProbeResult result = trial.finish();

        // Round k is due k intervals after the first, which ran after the fault; a late round delays those after it.
        List<Sent> toNode1 = transport.to(1);
        for (int round = 0; round < toNode1.size(); round++) {
            assertThat(toNode1.get(round).sentNanos() - fault).as("round %d", round).isGreaterThanOrEqualTo(round * INTERVAL.toNanos());
        }
        List<Sent> afterStall = toNode1.stream().filter(write -> write.sentNanos() - stallEnd > 0).toList();
        assertThat(afterStall.get(1).sentNanos() - afterStall.get(0).sentNanos()).as("the round after the late one")
                .isGreaterThanOrEqualTo(INTERVAL.toNanos());
        assertThat(toNode1).hasSameSizeAs(transport.to(3)); // one write per node per round
        assertThat(result.maxGapNanos()).as("the stall, recorded as the trial's resolution").isGreaterThanOrEqualTo(stallNanos);
        assertThat(result.firstAckNanos()).isEmpty();
    }

    @Test
    void onlyReachableNodesAreWrittenToAndANodeThatNeverAnswersLeavesTheTrialWithoutAFigure() throws Exception {
        transport.reachable.remove(1); // the killed leader
        long fault = System.nanoTime();
        FailoverProbe.Trial trial = probe.start(fault, 1, true);
        trial.countFrom(fault);
        await(() -> transport.sent.size() >= 20, "ten rounds");
        assertThat(trial.awaitFirstAck(System.nanoTime() + 5 * MILLIS)).isEmpty();

        ProbeResult result = trial.finish();
        assertThat(transport.to(1)).isEmpty();
        assertThat(transport.sent).allSatisfy(write -> assertThat(write.node()).isIn(2, 3));
        assertThat(result.firstAckNanos()).isEqualTo(OptionalLong.empty());
        assertThat(result.writes()).isEqualTo(transport.sent.size());
        assertThat(result.leader()).isEqualTo(Optional.empty());
        // Every write a key of its own: nothing is ever sent twice.
        assertThat(transport.sent.stream().map(Sent::key).distinct().count()).isEqualTo(transport.sent.size());
    }
}
