package io.kvbench.chaos.probe;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The leader change read off etcd status polls, with its error bar. */
class PolledLeaderTest {
    private static final long FAULT = 5_000_000_000L;

    private static StatusPoll poll(int node, double sentMillis, double answeredMillis, boolean leads, long term) {
        return new StatusPoll(node, FAULT + (long) (sentMillis * 1e6), FAULT + (long) (answeredMillis * 1e6), leads, term);
    }

    @Test
    void theFirstOtherNodeToLeadBoundedByItsLastPollThatDidNot() {
        List<StatusPoll> polls = List.of(
                poll(2, 180, 181, false, 7), poll(3, 180, 181.5, false, 7),
                poll(2, 181.2, 182.4, false, 7),
                poll(3, 182, 183.1, true, 7),   // elected, its new term's entry not applied yet
                poll(2, 182.5, 183.3, false, 7),
                poll(3, 183.2, 184.0, true, 8)); // applied its term's first entry: ready
        PolledLeader leader = PolledLeader.of(polls, 1, 7, FAULT).orElseThrow();
        assertThat(leader.node()).isEqualTo(3);
        assertThat(leader.seenNanos()).isEqualTo(FAULT + 183_100_000L);
        assertThat(leader.notYetNanos()).isEqualTo(FAULT + 180_000_000L);
        assertThat(leader.errorNanos()).isEqualTo(3_100_000L);
        assertThat(leader.readyNanos()).hasValue(FAULT + 184_000_000L);
        assertThat(leader.newTerm()).isEqualTo(8);
    }

    @Test
    void theOldLeaderNamingItselfIsNotANewLeaderAndWithoutAPollThatSaidNoTheFaultIsTheBound() {
        List<StatusPoll> polls = List.of(poll(1, 0.2, 0.5, true, 7), poll(2, 150, 151, true, 7));
        PolledLeader leader = PolledLeader.of(polls, 1, 7, FAULT).orElseThrow();
        assertThat(leader.node()).isEqualTo(2);
        assertThat(leader.notYetNanos()).isEqualTo(FAULT);
        assertThat(leader.readyNanos()).isEmpty();
        assertThat(leader.newTerm()).isEqualTo(-1);
        assertThat(PolledLeader.of(List.of(poll(1, 1, 2, true, 7), poll(2, 1, 2, false, 7)), 1, 7, FAULT)).isEmpty();
    }

    @Test
    void answersAreOrderedByArrivalNotByTheOrderTheyWereRecorded() {
        List<StatusPoll> polls = List.of(poll(3, 200, 205, true, 9), poll(2, 199, 201, true, 9));
        assertThat(PolledLeader.of(polls, 1, 8, FAULT).orElseThrow().node()).isEqualTo(2);
    }
}
