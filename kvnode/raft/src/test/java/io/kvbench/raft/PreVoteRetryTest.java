package io.kvbench.raft;

import io.kvbench.raft.Message.VoteRequest;
import io.kvbench.raft.Message.VoteResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Liveness additions beyond the paper: pre-vote retries and the pre-candidates' tie-break. */
class PreVoteRetryTest {
    private static RaftCore core(int id, int size) {
        List<Integer> voters = java.util.stream.IntStream.rangeClosed(1, size).boxed().toList();
        return new RaftCore(RaftConfig.defaults(id, voters).withTimeouts(10, 20, 3, 3), new Random(id));
    }

    @Test
    void aPreCandidateAsksAgainOnlyThoseThatHaveNotAnswered() {
        RaftCore core = core(1, 5);
        while (core.role() != Role.PRE_CANDIDATE) core.tick();
        assertThat(core.ready().messagesNow()).hasSize(4);
        core.step(new VoteResponse(2, 1, 1, true, true)); // two of five: no quorum yet; 3, 4, 5 silent
        List<Message> resent = List.of();
        for (int tick = 0; tick < 3 && resent.isEmpty(); tick++) {
            core.tick();
            resent = core.ready().messagesNow();
        }
        assertThat(resent).extracting(Message::to).containsExactly(3, 4, 5);
        assertThat(resent).allMatch(m -> m instanceof VoteRequest request && request.preVote() && request.term() == 1);
        assertThat(core.term()).as("a pre-vote retry never raises the term").isZero();
    }

    @Test
    void aPreCandidateStandsDownForAnEqualLogWithAHigherIdButNotALowerOne() {
        RaftCore low = core(1, 3);
        RaftCore high = core(3, 3);
        while (low.role() != Role.PRE_CANDIDATE) low.tick();
        while (high.role() != Role.PRE_CANDIDATE) high.tick();
        low.ready();
        high.ready();
        // Each receives the other's pre-vote request: both grant, only the lower id stands down.
        low.step(new VoteRequest(3, 1, 1, 0, 0, true, false));
        high.step(new VoteRequest(1, 3, 1, 0, 0, true, false));
        assertThat(low.role()).isEqualTo(Role.FOLLOWER);
        assertThat(high.role()).isEqualTo(Role.PRE_CANDIDATE);
        assertThat(low.ready().messagesNow()).singleElement().matches(m -> ((VoteResponse) m).granted());
        assertThat(high.ready().messagesNow()).singleElement().matches(m -> ((VoteResponse) m).granted());
    }

    @Test
    void aPreVoteIgnoredInLeaseIsAnsweredAsSoonAsTheLeadersConnectionCloses() {
        RaftCore follower = core(2, 3);
        follower.step(new Message.Heartbeat(1, 2, 1, 0, 0)); // leader 1, term 1: in lease
        follower.ready();
        VoteRequest preVote = new VoteRequest(3, 2, 2, 0, 0, true, false);
        follower.step(preVote);
        assertThat(follower.ready().messagesNow()).as("in lease: ignored (dissertation §4.2.3)").isEmpty();

        follower.peerDisconnected(1);

        assertThat(follower.ready().messagesNow()).singleElement()
                .matches(m -> m instanceof VoteResponse response && response.preVote() && response.granted() && response.to() == 3);
        assertThat(follower.term()).as("a pre-vote changes no term").isEqualTo(1);
    }

    @Test
    void aPreVoteIgnoredInLeaseStaysIgnoredOnceTheLeaderIsHeardFromAgain() {
        RaftCore follower = core(2, 3);
        follower.step(new Message.Heartbeat(1, 2, 1, 0, 0));
        follower.step(new VoteRequest(3, 2, 2, 0, 0, true, false));
        follower.step(new Message.Heartbeat(1, 2, 1, 0, 0)); // the leader is alive after all
        follower.ready();

        follower.peerDisconnected(1);

        assertThat(follower.ready().messagesNow()).noneMatch(m -> m instanceof VoteResponse);
    }

    /**
     * Both survivors of a crashed leader get the connection-closed hint in the same tick and, with a leader-lost
     * timeout of one tick, pre-vote in the same tick too: the pre-candidates' tie-break alone must keep them from
     * splitting the real vote, whatever order the messages arrive in. One leader in the very next term, before any
     * election timeout could have fired.
     */
    @Test
    void simultaneousHintsWithAOneTickDelayElectOneLeaderInTheNextTerm() {
        for (long seed = 1; seed <= 200; seed++) {
            Cluster c = new Cluster(3, seed, cfg -> cfg.withTimeouts(Cluster.MIN, Cluster.MAX, Cluster.HEARTBEAT, 1));
            c.reorder = seed % 2 == 0;
            c.elect(1);
            c.advance(2);
            c.crash(1);
            c.core(2).peerDisconnected(1);
            c.core(3).peerDisconnected(1);
            c.advance(3);
            assertThat(c.leaders()).as("seed %d", seed).hasSize(1);
            int leader = c.leaders().get(0);
            assertThat(c.core(leader).term()).as("seed %d: elected in the next term, no split vote", seed).isEqualTo(2);
            c.assertSafe();
        }
    }
}
