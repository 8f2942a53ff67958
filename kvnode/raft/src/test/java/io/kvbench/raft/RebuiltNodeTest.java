package io.kvbench.raft;

import static io.kvbench.raft.Cluster.log;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.raft.Message.AppendRequest;
import io.kvbench.raft.Message.VoteRequest;
import io.kvbench.raft.Message.VoteResponse;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node rebuilt after it lost its storage (dissertation §3.8; docs/storage-recovery.md) starts with an empty log,
 * a hard state of (the highest term its peers report, a vote for itself) and a vote fence at the highest last index
 * they report. It must not vote twice in a term it may have voted in before the loss, nor help elect a leader that
 * lacks an entry it had acknowledged.
 */
class RebuiltNodeTest {

    private static Cluster paperCluster() {
        return new Cluster(3, Cluster::paper);
    }

    @Test
    @DisplayName("§5.2 a rebuilt node grants no vote in the term it starts in (its vote there is taken) nor before")
    void grantsNoVoteInItsStartingTermOrBefore() {
        Cluster c = paperCluster();
        c.loadRebuilt(1, new HardState(7, 1), 0);
        c.core(1).step(new VoteRequest(2, 1, 7, 10, 7, false, false));
        assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, 2, 7, false, false));
        c.core(1).step(new VoteRequest(3, 1, 6, 10, 6, false, false));
        assertThat(c.take(1).messages()).isEmpty(); // a stale candidate's request is dropped
        c.core(1).step(new VoteRequest(3, 1, 8, 10, 7, false, false));
        assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, 3, 8, true, false));
    }

    @Test
    @DisplayName("§3.8 a rebuilt node grants no vote until its log reaches its fence, then votes as any node")
    void grantsNoVoteUntilItsLogReachesTheFence() {
        Cluster c = paperCluster();
        c.loadRebuilt(1, new HardState(7, 1), 3);
        // Candidate 2's log is longer than the fence and newer than anything node 1 holds: still refused.
        c.core(1).step(new VoteRequest(2, 1, 8, 5, 7, false, false));
        assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, 2, 8, false, false));
        assertThat(c.core(1).votedFor()).isZero();

        // The leader of term 9 sends it entries up to the fence.
        c.core(1).step(new AppendRequest(3, 1, 9, 0, 0, log(5, 6, 7), 0));
        assertThat(c.take(1).entries()).hasSize(3);
        c.core(1).step(new VoteRequest(2, 1, 10, 5, 7, false, false));
        assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, 2, 10, true, false));
    }

    @Test
    @DisplayName("§9.6 before its fence a rebuilt node grants no pre-vote either (a candidate it would refuse later)")
    void grantsNoPreVoteBeforeTheFence() {
        Cluster c = new Cluster(3, config -> config);
        c.loadRebuilt(1, new HardState(7, 1), 3);
        c.core(1).step(new VoteRequest(2, 1, 8, 5, 7, true, false));
        assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, 2, 7, false, true));
        assertThat(c.core(1).term()).isEqualTo(7); // a pre-vote changes nothing
    }

    @Test
    @DisplayName("a rebuilt node that restarts before reaching its fence is still fenced (the fence is storage)")
    void theFenceSurvivesARestart() {
        Cluster c = paperCluster();
        c.loadRebuilt(1, new HardState(7, 1), 3);
        c.core(1).step(new AppendRequest(3, 1, 8, 0, 0, log(5, 6), 0));
        c.take(1);
        c.restart(1);
        c.core(1).step(new VoteRequest(2, 1, 9, 5, 7, false, false));
        assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, 2, 9, false, false));
    }

    @Test
    @DisplayName("§5.3 a leader whose heartbeat finds a follower's log shorter than it acknowledged sends the entries again")
    void theLeaderSendsARebuiltFollowerTheEntriesItLost() {
        Cluster c = new Cluster(3, config -> config);
        c.timeout(1);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(1);
        for (int i = 0; i < 5; i++) c.propose(1, "v" + i);
        c.stabilize();
        long lastIndex = c.core(1).lastIndex();
        assertThat(c.core(2).lastIndex()).isEqualTo(lastIndex);

        c.loadRebuilt(2, new HardState(c.core(1).term(), 2), lastIndex);
        assertThat(c.core(2).lastIndex()).isZero();
        for (int i = 0; i < Cluster.HEARTBEAT; i++) c.tick(1);
        c.stabilize();
        assertThat(c.core(2).lastIndex()).isEqualTo(lastIndex);
        assertThat(c.core(2).commitIndex()).isEqualTo(c.core(1).commitIndex());
        assertThat(c.leader()).isEqualTo(1);
        c.assertSafe();
    }
}
