package io.kvbench.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.raft.Entry;
import io.kvbench.raft.Message;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReplicationTimerTest {
    private static final long MICROS = 1_000;

    private final NodeLatencies latencies = new NodeLatencies();
    private final ReplicationTimer timer = new ReplicationTimer(latencies);

    private static Message.AppendRequest append(int to, long firstIndex, long lastIndex) {
        return append(1, to, firstIndex, lastIndex);
    }

    private static Message.AppendRequest append(long term, int to, long firstIndex, long lastIndex) {
        List<Entry> entries = new ArrayList<>();
        for (long index = firstIndex; index <= lastIndex; index++) entries.add(Entry.command(index, term, new byte[] {1}));
        return new Message.AppendRequest(1, to, term, firstIndex - 1, term, entries, 0);
    }

    private static Message.AppendResponse ack(int from, long matchIndex) {
        return ack(1, from, matchIndex);
    }

    private static Message.AppendResponse ack(long term, int from, long matchIndex) {
        return new Message.AppendResponse(from, 1, term, true, matchIndex, 0, 0);
    }

    private Histogram recorded() {
        return NodeLatencies.decode(latencies.encoded().get("replicationMicros"));
    }

    @Test
    void entriesAreTimedFromTheirFirstSendToTheFirstAckThatCoversThem() {
        timer.onSent(append(2, 1, 3), 1_000 * MICROS);
        timer.onSent(append(3, 1, 3), 1_010 * MICROS); // the same entries to the other follower: not a new start
        timer.onSent(append(2, 4, 5), 1_100 * MICROS);
        timer.onSent(append(3, 4, 5), 1_110 * MICROS);

        timer.onReceived(ack(3, 3), 1_250 * MICROS); // the first follower to hold 1-3
        assertThat(recorded().getTotalCount()).isEqualTo(1);
        assertThat(recorded().getMaxValue()).isBetween(249L, 251L);
        timer.onReceived(ack(2, 3), 1_300 * MICROS); // the slower one: the commit did not wait for it

        timer.onReceived(ack(2, 5), 1_500 * MICROS);
        Histogram all = recorded();
        assertThat(all.getTotalCount()).isEqualTo(2);
        assertThat(all.getMaxValue()).isBetween(398L, 402L); // 4-5: 1,100 to 1,500 us
        assertThat(timer.pendingCount()).isZero();
    }

    @Test
    void heartbeatsEmptyAppendsRejectionsAndResendsAreNotTimed() {
        timer.onSent(new Message.Heartbeat(1, 2, 1, 0, 0), 0);
        timer.onSent(new Message.AppendRequest(1, 2, 1, 0, 0, List.of(), 0), 0);
        assertThat(timer.pendingCount()).isZero();

        timer.onSent(append(2, 1, 3), 0);
        timer.onReceived(new Message.AppendResponse(2, 1, 1, false, 0, 1, 1), 10 * MICROS);
        timer.onSent(append(2, 1, 3), 20 * MICROS); // sent again after the rejection: still timed from the first send
        timer.onReceived(ack(2, 3), 100 * MICROS);

        assertThat(recorded().getTotalCount()).isEqualTo(1);
        assertThat(recorded().getMaxValue()).isBetween(99L, 101L);
    }

    @Test
    void aLostLeadershipDropsWhatWasPendingAndANewTermStartsOver() {
        timer.onSent(append(2, 1, 3), 0);
        timer.reset();
        timer.onReceived(ack(2, 3), 30 * MICROS);
        assertThat(recorded().getTotalCount()).isZero();

        timer.onSent(append(2, 2, 3), 40 * MICROS); // leader again, a later term: the same indexes are new entries
        timer.onReceived(ack(3, 3), 90 * MICROS);
        assertThat(recorded().getTotalCount()).isEqualTo(1);
    }

    @Test
    void followersThatNeverAnswerCostABoundedQueue() {
        for (long index = 1; index <= ReplicationTimer.MAX_PENDING + 10; index++) timer.onSent(append(2, index, index), index);

        assertThat(timer.pendingCount()).isEqualTo(ReplicationTimer.MAX_PENDING);
        timer.onReceived(ack(2, ReplicationTimer.MAX_PENDING + 10), 10_000 * MICROS);
        assertThat(recorded().getTotalCount()).isEqualTo(ReplicationTimer.MAX_PENDING);
    }

    @Test
    void aLateAckFromAnEarlierTermDoesNotCloseThisTermsSends() {
        timer.onSent(append(5, 2, 10, 12), 0); // leader in term 5
        // Leader again in term 7 (no role change seen in between, e.g. one Ready): indexes 11-12 are new entries.
        timer.onSent(append(7, 2, 11, 12), 100 * MICROS);
        timer.onReceived(ack(5, 2, 12), 150 * MICROS); // term 5's ack, arriving late
        assertThat(recorded().getTotalCount()).isZero();
        assertThat(timer.pendingCount()).isEqualTo(1);

        timer.onReceived(ack(7, 3, 12), 400 * MICROS);
        assertThat(recorded().getTotalCount()).isEqualTo(1);
        assertThat(recorded().getMaxValue()).isBetween(298L, 302L);
    }
}
