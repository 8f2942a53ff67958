package io.kvbench.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.raft.Message.AppendRequest;
import io.kvbench.raft.Message.AppendResponse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole-cluster scenarios in the manner of MIT 6.5840's Raft lab tests (2A election, 2B agreement, 2C
 * Figure 8 unreliable), run on the deterministic {@link Cluster}: every node ticks once per step, then the
 * network delivers. The harness checks at every step that no term has two leaders and that no two nodes
 * apply different entries at the same index.
 */
class RaftScenarioTest {

    /** Advance until some live node leads; returns it. */
    private static int awaitLeader(Cluster c, int maxTicks) {
        for (int t = 0; t < maxTicks; t++) {
            int leader = c.leader();
            if (leader != 0) return leader;
            c.advance(1);
        }
        throw new AssertionError("no leader after " + maxTicks + " ticks");
    }

    private static int awaitLeaderAmong(Cluster c, Set<Integer> group, int maxTicks) {
        for (int t = 0; t < maxTicks; t++) {
            List<Integer> leaders = c.leaders().stream().filter(group::contains).toList();
            if (leaders.size() == 1) return leaders.get(0);
            c.advance(1);
            c.assertSafe();
        }
        throw new AssertionError("no single leader among " + group + " after " + maxTicks + " ticks");
    }

    private static long proposeOn(Cluster c, int leader, String command) {
        ProposeResult result = c.propose(leader, command);
        assertThat(result).isInstanceOf(ProposeResult.Accepted.class);
        return ((ProposeResult.Accepted) result).index();
    }

    // ================================================================ 2A: election

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    @DisplayName("6.5840 InitialElection: one leader is elected, everyone knows it, and the term stays put")
    void initialElection(long seed) {
        Cluster c = new Cluster(3, seed, cfg -> cfg);
        int leader = awaitLeader(c, 5 * Cluster.MAX);
        long term = c.core(leader).term();
        for (int id : c.ids()) assertThat(c.core(id).leaderId()).isEqualTo(leader);

        c.advance(20 * Cluster.MAX); // no failures: no new election
        assertThat(c.leaders()).containsExactly(leader);
        for (int id : c.ids()) assertThat(c.core(id).term()).isEqualTo(term);
        c.assertSafe();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    @DisplayName("6.5840 ReElection: a new leader after the leader is cut off; none without a majority; one again after healing")
    void reElection(long seed) {
        Cluster c = new Cluster(3, seed, cfg -> cfg);
        int first = awaitLeader(c, 5 * Cluster.MAX);

        c.isolate(first);
        Set<Integer> rest = new HashSet<>(c.ids());
        rest.remove(first);
        int second = awaitLeaderAmong(c, rest, 10 * Cluster.MAX);
        assertThat(second).isNotEqualTo(first);

        c.heal(); // the old leader rejoins: it must not disturb the new one
        c.advance(5 * Cluster.MAX);
        assertThat(c.leaders()).containsExactly(second);

        int other = rest.stream().filter(id -> id != second).findFirst().orElseThrow();
        c.isolate(second);
        c.isolate(other);
        c.advance(10 * Cluster.MAX); // no majority anywhere: nobody leads (check-quorum removed the old one)
        assertThat(c.leaders()).isEmpty();

        c.heal();
        awaitLeader(c, 10 * Cluster.MAX);
        c.advance(Cluster.MAX);
        assertThat(c.leaders()).hasSize(1);
        c.assertSafe();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14})
    @DisplayName("6.5840 ManyElections: 7 nodes, 3 random ones cut off each round; at most one leader per term")
    void manyElections(long seed) {
        Cluster c = new Cluster(7, seed, cfg -> cfg);
        awaitLeader(c, 5 * Cluster.MAX);
        for (int round = 0; round < 12; round++) {
            List<Integer> shuffled = new ArrayList<>(c.ids());
            java.util.Collections.shuffle(shuffled, c.random);
            Set<Integer> cut = new HashSet<>(shuffled.subList(0, 3));
            for (int id : cut) c.isolate(id);
            Set<Integer> connected = new HashSet<>(c.ids());
            connected.removeAll(cut);

            awaitLeaderAmong(c, connected, 20 * Cluster.MAX);
            c.advance(3 * Cluster.MAX); // isolated ex-leaders step down by check-quorum
            assertThat(c.leaders()).hasSize(1).allMatch(connected::contains);
            c.heal();
            c.advance(Cluster.MAX);
            c.assertSafe();
        }
        assertThat(c.leaderOfTerm).isNotEmpty();
    }

    // ================================================================ 2B: agreement

    @Test
    @DisplayName("6.5840 FailNoAgree / FailAgree: no commit without a majority; agreement resumes when it returns")
    void noAgreementWithoutMajority() {
        Cluster c = new Cluster(5, 7, cfg -> cfg);
        int leader = awaitLeader(c, 5 * Cluster.MAX);
        List<Integer> followers = c.ids().stream().filter(id -> id != leader).toList();
        for (int i = 0; i < 3; i++) c.isolate(followers.get(i));

        long index = proposeOn(c, leader, "lonely");
        c.advance(Cluster.MIN / 2); // less than check-quorum's period: still the leader
        assertThat(c.core(leader).commitIndex()).isLessThan(index);

        c.heal();
        int now = awaitLeader(c, 10 * Cluster.MAX);
        long next = proposeOn(c, now, "together");
        c.advance(3 * Cluster.HEARTBEAT);
        for (int id : c.ids()) assertThat(c.core(id).commitIndex()).isGreaterThanOrEqualTo(next);
        c.assertSafe();
    }

    @Test
    @DisplayName("6.5840 Rejoin: a partitioned leader's uncommitted entries are discarded when it rejoins")
    void rejoiningLeaderDiscardsUncommittedEntries() {
        Cluster c = new Cluster(3, 3, cfg -> cfg);
        int first = awaitLeader(c, 5 * Cluster.MAX);
        long committed = proposeOn(c, first, "101");
        c.stabilize();
        c.isolate(first);
        long lost = proposeOn(c, first, "102");
        proposeOn(c, first, "103");
        c.drainAll();

        Set<Integer> rest = new HashSet<>(c.ids());
        rest.remove(first);
        int second = awaitLeaderAmong(c, rest, 10 * Cluster.MAX);
        long replacing = proposeOn(c, second, "104");
        c.stabilize();

        c.heal();
        c.advance(5 * Cluster.MAX);
        int leader = c.leader();
        assertThat(leader).isNotEqualTo(first);
        for (int id : c.ids()) {
            assertThat(c.terms(id)).containsExactly(c.terms(leader));
            assertThat(c.core(id).commitIndex()).isGreaterThanOrEqualTo(Math.max(committed, replacing));
        }
        assertThat(new String(c.core(first).entryAt(lost).data())).isNotEqualTo("102"); // overwritten
        assertThat(new String(c.core(first).entryAt(replacing).data())).isEqualTo("104");
        c.assertSafe();
    }

    // ================================================================ 2C: Figure 8 unreliable

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25, 26})
    @DisplayName("6.5840 Figure8Unreliable: crashes, restarts, drops and reorders; committed entries always agree")
    void figure8Unreliable(long seed) {
        Cluster c = new Cluster(5, seed, cfg -> cfg);
        c.dropRate = 0.1;
        c.reorder = true;
        int proposals = 0;
        for (int step = 0; step < 1500; step++) {
            int leader = c.leader();
            if (leader != 0 && c.random.nextInt(4) == 0) {
                if (c.propose(leader, "s" + step) instanceof ProposeResult.Accepted) proposals++;
            }
            long down = c.ids().stream().filter(id -> c.node(id).down).count();
            if (leader != 0 && down < 2 && c.random.nextInt(60) == 0) c.crash(leader);
            if (down > 0 && c.random.nextInt(25) == 0) {
                List<Integer> crashed = c.ids().stream().filter(id -> c.node(id).down).toList();
                c.restart(crashed.get(c.random.nextInt(crashed.size())));
            }
            for (int id : c.ids()) if (!c.node(id).down) c.core(id).tick();
            c.drainAll();
            int budget = c.random.nextInt(40);
            for (int i = 0; i < budget && c.deliverOne(); i++) { }
            c.assertSafe();
        }
        assertThat(proposals).isGreaterThan(20);

        // Heal everything: the cluster must agree on one more entry, and every log must match up to it.
        c.dropRate = 0;
        c.reorder = false;
        c.heal();
        for (int id : c.ids()) if (c.node(id).down) c.restart(id);
        int leader = awaitLeader(c, 20 * Cluster.MAX);
        long last = proposeOn(c, leader, "final");
        c.advance(5 * Cluster.MAX);
        leader = c.leader();
        for (int id : c.ids()) {
            assertThat(c.core(id).commitIndex()).isGreaterThanOrEqualTo(last);
            for (long i = c.core(id).firstIndex(); i <= last; i++) {
                assertThat(c.core(id).entryAt(i)).isEqualTo(c.core(leader).entryAt(i));
            }
        }
        assertThat(c.committed).containsKey(last);
        c.assertSafe();
    }

    @Test
    @DisplayName("mutation check: the same kind of unreliable run catches SKIP_UP_TO_DATE_CHECK (§5.4.1)")
    void unreliableRunCatchesSkippedUpToDateCheck() {
        int caught = 0;
        for (long seed = 31; seed <= 40 && caught == 0; seed++) {
            Cluster c = new Cluster(5, seed, Cluster::paper);
            for (int id : c.ids()) c.breakRule(id, Mutation.SKIP_UP_TO_DATE_CHECK);
            c.dropRate = 0.1;
            for (int step = 0; step < 1500 && c.violations.isEmpty(); step++) {
                int leader = c.leader();
                if (leader != 0 && c.random.nextInt(3) == 0) c.propose(leader, "s" + step);
                long down = c.ids().stream().filter(id -> c.node(id).down).count();
                if (leader != 0 && down < 2 && c.random.nextInt(40) == 0) c.crash(leader);
                if (down > 0 && c.random.nextInt(20) == 0) {
                    List<Integer> crashed = c.ids().stream().filter(id -> c.node(id).down).toList();
                    c.restart(crashed.get(c.random.nextInt(crashed.size())));
                }
                for (int id : c.ids()) if (!c.node(id).down) c.core(id).tick();
                c.drainAll();
                int budget = c.random.nextInt(40);
                for (int i = 0; i < budget && c.deliverOne(); i++) { }
            }
            if (!c.violations.isEmpty()) caught++;
        }
        assertThat(caught).as("the mutation must produce a safety violation in some seed").isPositive();
    }

    @ParameterizedTest(name = "seeds {0}..{1}")
    @CsvSource({"1, 20", "21, 40", "41, 60"})
    @DisplayName("everything at once: drops, reorders, cut links, crashes, reads, transfers, disconnect hints, compaction; safety holds and the cluster converges")
    void everythingAtOnce(long fromSeed, long toSeed) {
        for (long seed = fromSeed; seed <= toSeed; seed++) chaos(seed);
    }

    private static void chaos(long seed) {
        Cluster c = new Cluster(seed % 2 == 0 ? 5 : 3, seed, cfg -> cfg.withAppendBounds(3, 1 << 20, 2));
        c.dropRate = 0.15;
        c.reorder = true;
        long reads = 0;
        for (int step = 0; step < 1500; step++) {
            int leader = c.leader();
            int any = c.ids().get(c.random.nextInt(c.ids().size()));
            int other = c.ids().get(c.random.nextInt(c.ids().size()));
            int dice = c.random.nextInt(100);
            if (leader != 0 && dice < 25) c.propose(leader, "s" + step);
            if (leader != 0 && dice == 30) c.readIndex(leader, ++reads);
            if (leader != 0 && dice == 31) c.core(leader).transferLeadership(any);
            if (dice == 32 && !c.node(any).down) c.core(any).peerDisconnected(other);
            if (dice == 33 && !c.node(any).down && c.core(any).appliedIndex() > c.core(any).firstIndex()) {
                c.compact(any, c.core(any).appliedIndex() - 1);
            }
            if (dice == 34 && any != other) c.cut(any, other);
            if (dice == 35) c.heal();
            long down = c.ids().stream().filter(id -> c.node(id).down).count();
            if (leader != 0 && down == 0 && c.random.nextInt(80) == 0) c.crash(leader);
            if (down > 0 && c.random.nextInt(25) == 0) {
                c.ids().stream().filter(id -> c.node(id).down).findFirst().ifPresent(c::restart);
            }
            for (int id : c.ids()) if (!c.node(id).down) c.core(id).tick();
            c.drainAll();
            int budget = c.random.nextInt(40);
            for (int i = 0; i < budget && c.deliverOne(); i++) {
                // deliver a random number of messages per tick
            }
            c.assertSafe();
        }
        c.dropRate = 0;
        c.reorder = false;
        c.heal();
        for (int id : c.ids()) if (c.node(id).down) c.restart(id);
        long last = -1; // a transfer may still be running: proposals are Dropped until it ends
        for (int t = 0; t < 20 * Cluster.MAX && last < 0; t++) {
            int leader = c.leader();
            if (leader != 0 && c.propose(leader, "final") instanceof ProposeResult.Accepted accepted) {
                last = accepted.index();
            } else {
                c.advance(1);
            }
        }
        assertThat(last).as("seed %d: a proposal is accepted after healing", seed).isPositive();
        c.advance(3 * Cluster.MAX);
        for (int id : c.ids()) {
            assertThat(c.core(id).commitIndex()).as("seed %d node %d", seed, id).isGreaterThanOrEqualTo(last);
        }
        c.assertSafe();
    }

    // ================================================================ fast back-off

    @ParameterizedTest(name = "{0} divergent terms of {1} entries each")
    @CsvSource({"1, 50", "3, 50", "6, 50", "6, 5"})
    @DisplayName("6.5840 Backup: repairing a long divergent log takes one round trip per divergent term, not per entry")
    void fastBackOffIsProportionalToDivergentTerms(int divergentTerms, int entriesPerTerm) {
        Cluster c = new Cluster(3, Cluster::paper);
        int length = divergentTerms * entriesPerTerm;
        long leaderTerm = divergentTerms + 2;
        long[] leaderLog = new long[1 + length];
        long[] followerLog = new long[1 + length];
        leaderLog[0] = followerLog[0] = 1;
        for (int i = 0; i < length; i++) {
            leaderLog[1 + i] = leaderTerm;
            followerLog[1 + i] = 2 + i / entriesPerTerm; // terms 2, 3, ..., divergentTerms + 1
        }
        c.load(1, new HardState(leaderTerm, 0), Cluster.log(leaderLog));
        c.load(2, new HardState(leaderTerm, 0), Cluster.log(followerLog));
        c.load(3, new HardState(leaderTerm, 0), Cluster.log(leaderLog));
        c.cut(1, 2);
        c.elect(1);
        c.heal();
        c.delivered.clear();

        for (int i = 0; i < Cluster.HEARTBEAT; i++) c.tick(1);
        c.stabilize();

        long rejections = c.delivered.stream()
                .filter(m -> m instanceof AppendResponse r && r.from() == 2 && !r.success()).count();
        long appendsToTwo = c.delivered.stream().filter(m -> m instanceof AppendRequest a && a.to() == 2).count();
        assertThat(rejections).isEqualTo(divergentTerms);
        assertThat(appendsToTwo).isLessThanOrEqualTo(divergentTerms + 2L);
        assertThat(c.terms(2)).containsExactly(c.terms(1));
        c.assertSafe();
    }

    @Test
    @DisplayName("6.5840 Backup: a follower far behind is caught up by one rejection (its log length is the hint)")
    void fastBackOffForShortFollower() {
        Cluster c = new Cluster(3, Cluster::paper);
        long[] leaderLog = new long[200];
        java.util.Arrays.fill(leaderLog, 1);
        c.load(1, new HardState(1, 0), Cluster.log(leaderLog));
        c.load(3, new HardState(1, 0), Cluster.log(leaderLog));
        c.cut(1, 2);
        c.elect(1);
        c.heal();
        c.delivered.clear();
        for (int i = 0; i < Cluster.HEARTBEAT; i++) c.tick(1);
        c.stabilize();
        long rejections = c.delivered.stream()
                .filter(m -> m instanceof AppendResponse r && r.from() == 2 && !r.success()).count();
        assertThat(rejections).isLessThanOrEqualTo(1);
        assertThat(c.terms(2)).containsExactly(c.terms(1));
    }
}
