package io.kvbench.raft;

import static io.kvbench.raft.Cluster.log;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.raft.Message.AppendRequest;
import io.kvbench.raft.Message.AppendResponse;
import io.kvbench.raft.Message.SnapshotRequest;
import io.kvbench.raft.Message.TimeoutNow;
import io.kvbench.raft.Message.VoteRequest;
import io.kvbench.raft.Message.VoteResponse;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * Three nodes; entries 3 and 4 are committed on nodes 1 and 2 only (node 3 was cut off), then node 2 loses its
     * storage and is rebuilt with a fence at 4, and has caught up to index 3 when the leader, node 1, crashes.
     */
    private static Cluster rebuiltBehindACommittedEntry(UnaryOperator<RaftConfig> tweak) {
        Cluster c = new Cluster(3, tweak);
        c.elect(1);
        c.propose(1, "a");
        c.stabilize(); // index 1 the no-op, 2 "a": on all three
        c.cut(1, 3);
        c.propose(1, "b");
        c.propose(1, "c");
        c.stabilize(); // 3 "b", 4 "c": committed with node 2's acknowledgement
        assertThat(c.core(1).commitIndex()).isEqualTo(4);
        assertThat(c.core(3).lastIndex()).isEqualTo(2);
        long term = c.core(1).term();
        List<Entry> caughtUp = LongStream.rangeClosed(1, 3).mapToObj(i -> c.core(1).entryAt(i)).toList();
        c.node(2).voteFenceIndex = Math.max(c.core(1).lastIndex(), c.core(3).lastIndex());
        c.load(2, new HardState(term, 2), caughtUp);
        c.crash(1);
        c.heal();
        return c;
    }

    @ParameterizedTest(name = "pre-vote {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("§3.8/§5.4 a rebuilt node below its fence never campaigns: with a shorter follower's vote it would lead"
            + " without a committed entry")
    void aRebuiltNodeBelowItsFenceNeverCampaigns(boolean preVote) {
        Cluster c = rebuiltBehindACommittedEntry(config -> Cluster.paper(config).withPreVote(preVote));
        for (int i = 0; i < 5 * Cluster.MAX; i++) c.tick(2);
        assertThat(c.core(2).role()).isEqualTo(Role.FOLLOWER);
        c.stabilize();
        assertThat(c.delivered).noneMatch(m -> m instanceof VoteRequest && m.from() == 2);
        // Node 3 (which lacks entries 3 and 4) cannot win either: node 2 withholds its vote below the fence.
        c.advance(5 * Cluster.MAX);
        assertThat(c.leaders()).isEmpty();
        // The old leader comes back; one that holds every committed entry leads, and node 2 catches up.
        c.restart(1);
        c.advance(5 * Cluster.MAX);
        assertThat(c.leader()).isNotZero();
        Entry committedC = c.committed.get(4L);
        assertThat(committedC).isNotNull();
        for (int id : c.ids()) assertThat(c.core(id).entryAt(4)).as("node %d's entry 4", id).isEqualTo(committedC);
        c.assertSafe();
    }

    @Test
    @DisplayName("§3.10 a rebuilt node below its fence ignores TimeoutNow (the leader's transfer may count entries it lost)")
    void aRebuiltNodeBelowItsFenceIgnoresTimeoutNow() {
        Cluster c = paperCluster();
        c.loadRebuilt(1, new HardState(7, 1), 3);
        c.core(1).step(new TimeoutNow(2, 1, 7));
        assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.take(1).messages()).isEmpty();
    }

    @Test
    @DisplayName("§5.1 an append rejection that answers a stale term (index 0, conflict 0) is not a rebuilt follower's"
            + " report: the leader keeps its match and sends no snapshot")
    void aStaleTermAnswerDoesNotLowerTheMatch() {
        Cluster c = new Cluster(3, config -> config);
        c.elect(1);
        for (int i = 0; i < 3; i++) c.propose(1, "v" + i);
        c.stabilize();
        long term = c.core(1).term();
        // What answerStaleTerm sends; it reaches a leader of the same term when the leader sent the stale message
        // in an earlier term and has since been elected in the term the answer carries.
        c.core(1).step(new AppendResponse(2, 1, term, false, 0, 0, 0));
        Cluster.Output out = c.take(1);
        assertThat(out.messages(SnapshotRequest.class)).isEmpty();
        assertThat(out.messages(AppendRequest.class)).isEmpty();
        c.propose(1, "after");
        c.stabilize();
        assertThat(c.core(2).lastIndex()).isEqualTo(c.core(1).lastIndex());
        c.assertSafe();
    }
}
