package io.kvbench.raft;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RaftCore#ticksUntilNextAction()}: the ticks before it only count (no Ready, no role change), the one it names
 * acts. A runtime that sleeps until then (issue 19's next-deadline timer) misses nothing the tick would have done.
 */
class TicksUntilNextActionTest {

    /** Ticks {@code core} until just before its next action, checking that nothing happens; returns the count. */
    private static int tickUntilJustBeforeTheNextAction(RaftCore core) {
        int ticks = core.ticksUntilNextAction();
        Role role = core.role();
        long term = core.term();
        for (int i = 1; i < ticks; i++) {
            core.tick();
            assertThat(core.hasReady()).as("tick %d of %d produced a Ready", i, ticks).isFalse();
            assertThat(core.role()).isEqualTo(role);
            assertThat(core.term()).isEqualTo(term);
            assertThat(core.ticksUntilNextAction()).isEqualTo(ticks - i);
        }
        return ticks;
    }

    @Test
    void aFollowerWithoutLeaderActsExactlyAtItsElectionTimeout() {
        Cluster cluster = new Cluster(3);
        RaftCore follower = cluster.core(1);
        assertThat(tickUntilJustBeforeTheNextAction(follower)).isBetween(Cluster.MIN, Cluster.MAX);
        follower.tick();
        assertThat(follower.role()).isEqualTo(Role.PRE_CANDIDATE);
    }

    @Test
    void aLeaderActsExactlyAtItsNextHeartbeat() {
        Cluster cluster = new Cluster(3);
        cluster.elect(1);
        RaftCore leader = cluster.core(1);
        cluster.drain(1);
        assertThat(tickUntilJustBeforeTheNextAction(leader)).isLessThanOrEqualTo(Cluster.HEARTBEAT);
        leader.tick();
        assertThat(leader.ready().messagesNow()).hasSize(2).allMatch(m -> m instanceof Message.Heartbeat);
    }

    @Test
    void aPreCandidateActsAtItsNextResend() {
        Cluster cluster = new Cluster(3);
        RaftCore core = cluster.core(1);
        cluster.timeout(1);
        assertThat(core.role()).isEqualTo(Role.PRE_CANDIDATE);
        core.ready(); // its first requests, unanswered
        tickUntilJustBeforeTheNextAction(core);
        core.tick();
        assertThat(core.ready().messagesNow()).isNotEmpty().allMatch(m -> m instanceof Message.VoteRequest request && request.preVote());
    }

    @Test
    void theLeadersConnectionClosingBringsTheNextActionWithinTheLeaderLostTimeout() {
        Cluster cluster = new Cluster(3);
        cluster.elect(1);
        cluster.advance(1); // heartbeats delivered: 2 follows 1, in lease
        RaftCore follower = cluster.core(2);
        assertThat(follower.leaderId()).isEqualTo(1);
        assertThat(follower.ticksUntilNextAction()).isGreaterThan(Cluster.LEADER_LOST_MAX);
        follower.peerDisconnected(1);
        assertThat(follower.ticksUntilNextAction()).isBetween(1, Cluster.LEADER_LOST_MAX);
        tickUntilJustBeforeTheNextAction(follower);
        follower.tick();
        assertThat(follower.role()).isEqualTo(Role.PRE_CANDIDATE);
    }
}
