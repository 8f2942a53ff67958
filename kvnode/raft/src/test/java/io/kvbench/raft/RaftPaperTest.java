package io.kvbench.raft;

import static io.kvbench.raft.Cluster.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.raft.Message.AppendRequest;
import io.kvbench.raft.Message.AppendResponse;
import io.kvbench.raft.Message.Heartbeat;
import io.kvbench.raft.Message.HeartbeatResponse;
import io.kvbench.raft.Message.SnapshotRequest;
import io.kvbench.raft.Message.TimeoutNow;
import io.kvbench.raft.Message.VoteRequest;
import io.kvbench.raft.Message.VoteResponse;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules of the Raft paper (Ongaro and Ousterhout, "In Search of an Understandable Consensus Algorithm")
 * and of the dissertation's extensions, one test per rule, in the manner of etcd-io/raft's
 * {@code raft_paper_test.go}. Tests that check the basic algorithm use {@link Cluster#paper} (no pre-vote, no
 * check-quorum); the others use the defaults.
 */
class RaftPaperTest {

    private static Cluster paperCluster(int size) {
        return new Cluster(size, Cluster::paper);
    }

    /** Node 1 becomes leader by stepping the votes itself (nothing else is delivered). */
    private static void makeLeaderByHand(Cluster c) {
        RaftCore core = c.core(1);
        c.timeout(1);
        if (core.role() == Role.PRE_CANDIDATE) {
            core.step(new VoteResponse(2, 1, core.term() + 1, true, true));
        }
        c.take(1); // the candidate's term and self-vote become durable: only now does its own vote count
        core.step(new VoteResponse(2, 1, core.term(), true, false));
        assertThat(core.role()).isEqualTo(Role.LEADER);
        c.take(1);
        c.clearNetwork();
    }

    // =================================================================== §5.1

    @Nested
    @DisplayName("§5.1 terms")
    class Terms {

        static Stream<Arguments> higherTermMessages() {
            List<Function<Long, Message>> messages = List.of(
                    t -> new AppendRequest(2, 1, t, 0, 0, List.of(), 0),
                    t -> new Heartbeat(2, 1, t, 0, 0),
                    t -> new VoteRequest(2, 1, t, 99, 99, false, false),
                    t -> new VoteResponse(2, 1, t, false, false),
                    t -> new AppendResponse(2, 1, t, false, 0, 0, 0),
                    t -> new HeartbeatResponse(2, 1, t, 0));
            return Stream.of(Role.FOLLOWER, Role.CANDIDATE, Role.LEADER)
                    .flatMap(role -> messages.stream().map(m -> Arguments.of(role, m.apply(0L).getClass().getSimpleName(), m)));
        }

        @ParameterizedTest(name = "{0} receiving a {1} of a higher term")
        @MethodSource("higherTermMessages")
        @DisplayName("§5.1 a higher term in any message makes any role adopt it and become follower")
        void higherTermMakesAnyRoleAdoptItAndFollow(Role role, String type, Function<Long, Message> message) {
            Cluster c = paperCluster(3);
            if (role == Role.CANDIDATE) c.timeout(1);
            if (role == Role.LEADER) makeLeaderByHand(c);
            assertThat(c.core(1).role()).isEqualTo(role);
            long higher = c.core(1).term() + 5;

            c.core(1).step(message.apply(higher));

            assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
            assertThat(c.core(1).term()).isEqualTo(higher);
            boolean fromLeader = type.equals("AppendRequest") || type.equals("Heartbeat");
            assertThat(c.core(1).leaderId()).isEqualTo(fromLeader ? 2 : 0);
        }

        @ParameterizedTest(name = "a stale {0}")
        @CsvSource({"AppendRequest", "Heartbeat", "SnapshotRequest"})
        @DisplayName("§5.1 a request from a stale leader is answered with the current term and changes nothing")
        void staleLeaderRequestIsAnsweredWithCurrentTerm(String type) {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(3, 0), log(1, 2, 3));
            Message stale = switch (type) {
                case "AppendRequest" -> new AppendRequest(2, 1, 2, 3, 3, log(1, 2, 3, 2).subList(3, 4), 4);
                case "Heartbeat" -> new Heartbeat(2, 1, 2, 3, 1);
                default -> new SnapshotRequest(2, 1, 2, new Snapshot(10, 2));
            };

            c.core(1).step(stale);

            Cluster.Output out = c.take(1);
            assertThat(out.messagesNow()).containsExactly(new AppendResponse(1, 2, 3, false, 0, 0, 0));
            assertThat(c.terms(1)).containsExactly(1, 2, 3);
            assertThat(c.core(1).commitIndex()).isZero();
            assertThat(c.core(1).leaderId()).isZero();
            assertThat(c.core(1).term()).isEqualTo(3);
        }

        @Test
        @DisplayName("§5.1 a stale leader steps down when its heartbeat is answered with a higher term")
        void staleLeaderStepsDownOnFencingReply() {
            Cluster c = paperCluster(3);
            c.elect(1);
            c.isolate(1);
            c.elect(2);
            assertThat(c.core(2).term()).isEqualTo(2);
            assertThat(c.core(1).role()).isEqualTo(Role.LEADER); // it does not know yet
            c.heal();

            for (int i = 0; i < Cluster.HEARTBEAT; i++) c.tick(1); // the old leader's heartbeat goes out
            c.stabilize();

            assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
            assertThat(c.core(1).term()).isEqualTo(2);
            assertThat(c.leaders()).containsExactly(2);
            c.assertSafe();
        }

        @Test
        @DisplayName("§5.1 a vote request of a lower term is ignored; a stale pre-vote is rejected with the current term")
        void staleVoteRequestIsIgnored() {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(3, 0), log(1, 2, 3));

            c.core(1).step(new VoteRequest(2, 1, 2, 10, 3, false, false));
            assertThat(c.take(1).messages()).isEmpty();
            assertThat(c.core(1).votedFor()).isZero();

            c.core(1).step(new VoteRequest(2, 1, 2, 10, 3, true, false));
            assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, 2, 3, false, true));
            assertThat(c.core(1).term()).isEqualTo(3);
        }

        @Test
        @DisplayName("§5.1 responses of a lower term are dropped")
        void staleResponsesAreDropped() {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(2, 0), log(1, 1));
            c.timeout(1); // candidate of term 3
            c.take(1);
            c.core(1).step(new VoteResponse(2, 1, 2, true, false));
            c.core(1).step(new AppendResponse(2, 1, 2, true, 2, 0, 0));
            assertThat(c.core(1).role()).isEqualTo(Role.CANDIDATE);
            assertThat(c.take(1).messages()).isEmpty();
        }
    }

    // =================================================================== §5.2

    @Nested
    @DisplayName("§5.2 leader election")
    class Election {

        @Test
        @DisplayName("§5.2 on timeout a follower becomes candidate: term+1, votes for itself, asks every peer")
        void followerCampaignsAfterTimeout() {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(4, 0), log(1, 4));
            c.timeout(1);
            Cluster.Output out = c.take(1);

            assertThat(c.core(1).role()).isEqualTo(Role.CANDIDATE);
            assertThat(out.hardState()).isEqualTo(new HardState(5, 1));
            // The requests leave at once, while the self-vote is written; the self-vote counts once durable.
            assertThat(out.messagesAfterPersist()).isEmpty();
            assertThat(out.messagesNow()).containsExactlyInAnyOrder(
                    new VoteRequest(1, 2, 5, 2, 4, false, false), new VoteRequest(1, 3, 5, 2, 4, false, false));
        }

        @Test
        @DisplayName("§9.6 with pre-vote a follower first asks for term+1 without raising its own term")
        void followerPreVotesFirst() {
            Cluster c = new Cluster(3);
            c.load(1, new HardState(4, 0), log(1, 4));
            c.timeout(1);
            Cluster.Output out = c.take(1);

            assertThat(c.core(1).role()).isEqualTo(Role.PRE_CANDIDATE);
            assertThat(c.core(1).term()).isEqualTo(4);
            assertThat(out.hardState()).isNull();
            assertThat(out.messagesNow()).containsExactlyInAnyOrder(
                    new VoteRequest(1, 2, 5, 2, 4, true, false), new VoteRequest(1, 3, 5, 2, 4, true, false));

            c.core(1).step(new VoteResponse(2, 1, 5, true, true));
            out = c.take(1);
            assertThat(c.core(1).role()).isEqualTo(Role.CANDIDATE);
            assertThat(out.hardState()).isEqualTo(new HardState(5, 1));
            assertThat(out.messagesNow()).containsExactlyInAnyOrder(
                    new VoteRequest(1, 2, 5, 2, 4, false, false), new VoteRequest(1, 3, 5, 2, 4, false, false));
        }

        @Test
        @DisplayName("§5.2 election timeouts are random in [min, max) and differ between seeds")
        void electionTimeoutIsRandomizedWithinBounds() {
            Set<Integer> seen = new HashSet<>();
            for (long seed = 0; seed < 300; seed++) {
                RaftCore core = new RaftCore(Cluster.config(1, List.of(1, 2, 3)), new Random(seed));
                int ticks = 0;
                while (core.role() == Role.FOLLOWER) {
                    core.tick();
                    ticks++;
                    assertThat(ticks).isLessThan(Cluster.MAX);
                }
                assertThat(ticks).isBetween(Cluster.MIN, Cluster.MAX - 1);
                seen.add(ticks);
            }
            assertThat(seen).hasSizeGreaterThanOrEqualTo((Cluster.MAX - Cluster.MIN) * 3 / 4);
        }

        @Test
        @DisplayName("§5.2 hearing from the leader resets the election timer")
        void leaderContactResetsTheElectionTimer() {
            Cluster c = paperCluster(3);
            for (int i = 0; i < 10 * Cluster.MAX; i++) {
                c.core(1).tick();
                c.core(1).step(new Heartbeat(2, 1, 1, 0, 0));
                assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
            }
        }

        static Stream<Arguments> voteTallies() {
            return Stream.of(
                    Arguments.of(1, Map.of(), Role.LEADER),
                    Arguments.of(3, Map.of(2, true, 3, true), Role.LEADER),
                    Arguments.of(3, Map.of(2, true), Role.LEADER),
                    Arguments.of(5, Map.of(2, true, 3, true, 4, true, 5, true), Role.LEADER),
                    Arguments.of(5, Map.of(2, true, 3, true), Role.LEADER),
                    Arguments.of(3, Map.of(), Role.CANDIDATE),
                    Arguments.of(5, Map.of(2, true), Role.CANDIDATE),
                    Arguments.of(5, Map.of(2, true, 3, false, 4, false), Role.CANDIDATE),
                    Arguments.of(3, Map.of(2, false, 3, false), Role.FOLLOWER),
                    Arguments.of(5, Map.of(2, false, 3, false, 4, false), Role.FOLLOWER),
                    Arguments.of(5, Map.of(2, true, 3, false, 4, false, 5, false), Role.FOLLOWER));
        }

        @ParameterizedTest(name = "{0} voters, answers {1}: {2}")
        @MethodSource("voteTallies")
        @DisplayName("§5.2 a candidate wins with votes from a majority")
        void candidateWinsWithMajority(int size, Map<Integer, Boolean> answers, Role expected) {
            Cluster c = paperCluster(size);
            c.timeout(1);
            c.take(1); // the self-vote is durable
            long term = c.core(1).term();
            answers.forEach((from, granted) -> c.core(1).step(new VoteResponse(from, 1, term, granted, false)));
            assertThat(c.core(1).role()).isEqualTo(expected);
            assertThat(c.core(1).term()).isEqualTo(term);
        }

        @Test
        @DisplayName("§5.2 vote requests leave before the candidate's vote is durable, but it leads only once it is")
        void candidateLeadsOnlyOnceItsOwnTermAndVoteAreDurable() {
            Cluster c = paperCluster(3);
            c.timeout(1);
            RaftCore core = c.core(1);
            Ready candidacy = core.ready();
            assertThat(candidacy.hardState()).isEqualTo(new HardState(1, 1));
            assertThat(candidacy.messagesNow()).hasSize(2).allMatch(m -> m instanceof VoteRequest);

            core.step(new VoteResponse(2, 1, 1, true, false));
            core.step(new VoteResponse(3, 1, 1, true, false));
            assertThat(core.role()).as("a majority without its own vote, which is not durable yet").isEqualTo(Role.CANDIDATE);

            core.persisted(candidacy);
            assertThat(core.role()).isEqualTo(Role.LEADER);
            assertThat(core.term()).isEqualTo(1);
        }

        @Test
        @DisplayName("§5.2 a duplicate vote is counted once")
        void duplicateVoteCountsOnce() {
            Cluster c = paperCluster(5);
            c.timeout(1);
            for (int i = 0; i < 5; i++) c.core(1).step(new VoteResponse(2, 1, 1, true, false));
            assertThat(c.core(1).role()).isEqualTo(Role.CANDIDATE);
        }

        @ParameterizedTest(name = "{0} of the candidate's term")
        @CsvSource({"AppendRequest", "Heartbeat"})
        @DisplayName("§5.2 a candidate that hears from a leader of its own term returns to follower")
        void candidateYieldsToLeaderOfItsTerm(String type) {
            Cluster c = paperCluster(3);
            c.timeout(1);
            Message fromLeader = type.equals("Heartbeat") ? new Heartbeat(2, 1, 1, 0, 0)
                    : new AppendRequest(2, 1, 1, 0, 0, List.of(Entry.noop(1, 1)), 0);
            c.core(1).step(fromLeader);
            assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
            assertThat(c.core(1).term()).isEqualTo(1);
            assertThat(c.core(1).leaderId()).isEqualTo(2);
        }

        @Test
        @DisplayName("§5.2 after a split vote the candidate times out again, within [min, max), and starts a new term")
        void candidateRetriesAfterSplitVote() {
            Cluster c = paperCluster(3);
            c.timeout(1);
            c.take(1);
            c.core(1).step(new VoteResponse(2, 1, 1, false, false)); // one no, one unanswered: no majority either way
            int ticks = 0;
            while (c.core(1).term() == 1) {
                c.core(1).tick();
                ticks++;
            }
            assertThat(ticks).isBetween(Cluster.MIN, Cluster.MAX - 1);
            assertThat(c.core(1).role()).isEqualTo(Role.CANDIDATE);
            assertThat(c.take(1).messagesNow()).hasSize(2).allMatch(m -> m.term() == 2);
        }

        @Test
        @DisplayName("§5.2 with pre-vote, a candidate whose election failed pre-votes before its next term")
        void candidateWithPreVoteRetriesThroughPreVote() {
            Cluster c = new Cluster(3);
            c.timeout(1);
            c.core(1).step(new VoteResponse(2, 1, 1, true, true));
            assertThat(c.core(1).role()).isEqualTo(Role.CANDIDATE);
            c.take(1);
            while (c.core(1).role() == Role.CANDIDATE) c.core(1).tick();
            assertThat(c.core(1).role()).isEqualTo(Role.PRE_CANDIDATE);
            assertThat(c.core(1).term()).isEqualTo(1);
            assertThat(c.take(1).messagesNow()).hasSize(2).allMatch(m -> m instanceof VoteRequest r && r.preVote() && r.term() == 2);
        }

        @ParameterizedTest(name = "voted for {0}, asked by {1}: granted={2}")
        @CsvSource({"0, 2, true", "2, 2, true", "3, 2, false", "1, 2, false"})
        @DisplayName("§5.2 each server votes for at most one candidate in a term (asking again is granted again)")
        void atMostOneVotePerTerm(int votedFor, int candidate, boolean granted) {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(1, votedFor), List.of());
            c.core(1).step(new VoteRequest(candidate, 1, 1, 0, 0, false, false));
            assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, candidate, 1, granted, false));
            assertThat(c.core(1).votedFor()).isEqualTo(granted ? candidate : votedFor);
        }

        @Test
        @DisplayName("§5.2 first come, first served: a second candidate of the same term is refused")
        void secondCandidateOfTheTermIsRefused() {
            Cluster c = paperCluster(3);
            c.core(1).step(new VoteRequest(2, 1, 1, 0, 0, false, false));
            c.core(1).step(new VoteRequest(3, 1, 1, 0, 0, false, false));
            c.core(1).step(new VoteRequest(2, 1, 1, 0, 0, false, false));
            assertThat(c.take(1).messages()).containsExactly(
                    new VoteResponse(1, 2, 1, true, false),
                    new VoteResponse(1, 3, 1, false, false),
                    new VoteResponse(1, 2, 1, true, false));
        }

        @Test
        @DisplayName("§5.2 a follower that knows the leader of the term does not vote in it")
        void followerWithLeaderDoesNotVoteInTheSameTerm() {
            Cluster c = paperCluster(3);
            c.core(1).step(new Heartbeat(2, 1, 1, 0, 0));
            c.take(1);
            c.core(1).step(new VoteRequest(3, 1, 1, 0, 0, false, false));
            assertThat(c.take(1).messages(VoteResponse.class)).containsExactly(new VoteResponse(1, 3, 1, false, false));
        }

        @Test
        @DisplayName("Figure 2: the vote is in the hard state and the VoteResponse leaves only after it is persisted")
        void voteIsDurableBeforeTheReplyLeaves() {
            Cluster c = paperCluster(3);
            c.core(1).step(new VoteRequest(2, 1, 7, 0, 0, false, false));
            Ready ready = c.core(1).ready();
            assertThat(ready.hardState()).isEqualTo(new HardState(7, 2));
            assertThat(ready.mustPersist()).isTrue();
            assertThat(ready.messagesNow()).isEmpty();
            assertThat(ready.messagesAfterPersist()).containsExactly(new VoteResponse(1, 2, 7, true, false));
        }
    }

    // =================================================================== §5.4.1

    @Nested
    @DisplayName("§5.4.1 election restriction")
    class ElectionRestriction {

        @ParameterizedTest(name = "candidate last entry {0}@{1} vs voter 2@2: granted={2}")
        @CsvSource({
                "2, 2, true",   // same last term, same length
                "3, 2, true",   // same last term, longer
                "1, 2, false",  // same last term, shorter
                "1, 3, true",   // higher last term wins even if shorter
                "5, 1, false",  // lower last term loses even if longer
                "2, 1, false",  // lower last term, same length
                "0, 0, false",  // empty log
        })
        @DisplayName("§5.4.1 a voter grants only to a candidate whose log is at least as up-to-date as its own")
        void votesOnlyForUpToDateCandidate(long lastIndex, long lastTerm, boolean granted) {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(2, 0), log(1, 2));
            c.core(1).step(new VoteRequest(2, 1, 3, lastIndex, lastTerm, false, false));
            assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, 2, 3, granted, false));
            assertThat(c.core(1).votedFor()).isEqualTo(granted ? 2 : 0);
        }

        @Test
        @DisplayName("§5.4.1 the mutation SKIP_UP_TO_DATE_CHECK grants a stale candidate (the check is what refuses it)")
        void mutationGrantsStaleCandidate() {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(2, 0), log(1, 2));
            c.breakRule(1, Mutation.SKIP_UP_TO_DATE_CHECK);
            c.core(1).step(new VoteRequest(2, 1, 3, 1, 1, false, false));
            assertThat(c.take(1).messages()).containsExactly(new VoteResponse(1, 2, 3, true, false));
        }
    }

    // =================================================================== §5.3

    @Nested
    @DisplayName("§5.3 log replication")
    class Replication {

        @ParameterizedTest(name = "prev {0}@{1}: success={2}, hint term {3} index {4}")
        @CsvSource({
                "6, 3, true, 0, 0",
                "0, 0, true, 0, 0",
                "3, 2, true, 0, 0",
                "6, 4, false, 3, 6",   // conflicting term at prev: first index of that term
                "5, 3, false, 2, 3",   // term 2 spans 3..5
                "2, 2, false, 1, 1",   // term 1 spans 1..2
                "9, 4, false, 0, 7",   // log too short: hint is its length + 1
        })
        @DisplayName("§5.3 the consistency check rejects a mismatched prevLogIndex/prevLogTerm with a conflict hint")
        void consistencyCheckWithConflictHint(long prevIndex, long prevTerm, boolean success, long conflictTerm,
                                              long conflictIndex) {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(4, 0), log(1, 1, 2, 2, 2, 3));
            c.core(1).step(new AppendRequest(2, 1, 4, prevIndex, prevTerm, List.of(), 0));
            Cluster.Output out = c.take(1);
            AppendResponse response = out.messages(AppendResponse.class).get(0);
            assertThat(response.success()).isEqualTo(success);
            if (success) {
                assertThat(out.messagesAfterPersist()).containsExactly(response);
                assertThat(response.matchIndex()).isEqualTo(prevIndex);
            } else {
                assertThat(response).isEqualTo(new AppendResponse(1, 2, 4, false, prevIndex, conflictTerm, conflictIndex));
                assertThat(c.terms(1)).containsExactly(1, 1, 2, 2, 2, 3); // a rejection changes nothing
            }
        }

        static Stream<Arguments> appends() {
            return Stream.of(
                    Arguments.of(2L, 2L, new long[] {3}, new long[] {1, 2, 3}),
                    Arguments.of(1L, 1L, new long[] {3, 4}, new long[] {1, 3, 4}),
                    Arguments.of(0L, 0L, new long[] {1}, new long[] {1, 2}),        // already present: nothing truncated
                    Arguments.of(0L, 0L, new long[] {3}, new long[] {3}),           // conflict at 1: everything replaced
                    Arguments.of(1L, 1L, new long[] {}, new long[] {1, 2}),         // empty append truncates nothing
                    Arguments.of(0L, 0L, new long[] {1, 2, 4, 4}, new long[] {1, 2, 4, 4}));
        }

        @ParameterizedTest(name = "follower [1,2] + append after {0}@{1} of terms {2} -> {3}")
        @MethodSource("appends")
        @DisplayName("§5.3 conflicting entries are deleted with all that follow; new entries are appended")
        void conflictingEntriesAreTruncatedAndReplaced(long prevIndex, long prevTerm, long[] terms, long[] expected) {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(2, 0), log(1, 2));
            List<Entry> entries = new java.util.ArrayList<>();
            for (int i = 0; i < terms.length; i++) entries.add(Entry.command(prevIndex + 1 + i, terms[i], Cluster.bytes("e")));
            c.core(1).step(new AppendRequest(2, 1, 4, prevIndex, prevTerm, entries, 0));
            c.take(1);
            assertThat(c.terms(1)).containsExactly(expected);
            // What was persisted agrees with the core (the runtime replaces from the first new index).
            assertThat(c.node(1).stored.stream().mapToLong(Entry::term).toArray()).containsExactly(expected);
        }

        @ParameterizedTest(name = "append after {0} of {1} entries with leaderCommit {2}: commit {3}")
        @CsvSource({
                "1, 0, 3, 1",   // the stale tail 2..4 is not vouched for by this append
                "2, 1, 4, 3",
                "2, 2, 2, 2",
                "4, 1, 10, 5",
                "4, 0, 4, 4",
        })
        @DisplayName("Figure 2: a follower sets commitIndex = min(leaderCommit, index of last new entry)")
        void followerCommitIsMinOfLeaderCommitAndLastNewEntry(long prevIndex, int count, long leaderCommit, long expected) {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(1, 0), log(1, 1, 1, 1));
            List<Entry> entries = new java.util.ArrayList<>();
            for (int i = 1; i <= count; i++) entries.add(Entry.command(prevIndex + i, 1, Cluster.bytes("x")));
            c.core(1).step(new AppendRequest(2, 1, 1, prevIndex, 1, entries, leaderCommit));
            assertThat(c.core(1).commitIndex()).isEqualTo(expected);
        }

        @Test
        @DisplayName("Figure 2: a follower applies committed entries in order, once durable")
        void followerAppliesCommittedEntries() {
            Cluster c = paperCluster(3);
            c.core(1).step(new AppendRequest(2, 1, 1, 0, 0, log(1, 1, 1), 2));
            Cluster.Output out = c.take(1);
            assertThat(out.committed()).extracting(Entry::index).containsExactly(1L, 2L);
        }

        static Stream<Arguments> backOffHints() {
            // Leader log [1,1,1,4,4,5,5,6,6,6] (the leader of Figure 7); the follower rejects prev 10.
            return Stream.of(
                    Arguments.of("follower too short (length 6)", 0L, 7L, 6L),
                    Arguments.of("follower's term 2 unknown to the leader, first at 4", 2L, 4L, 3L),
                    Arguments.of("follower's term 4 which the leader has up to 5", 4L, 4L, 5L),
                    Arguments.of("follower's term 5 which the leader has up to 7", 5L, 6L, 7L),
                    Arguments.of("follower's term 3 unknown, first at 9", 3L, 9L, 8L));
        }

        @ParameterizedTest(name = "{0}: next prevLogIndex {3}")
        @MethodSource("backOffHints")
        @DisplayName("§5.3 fast back-off: on a rejection the leader's nextIndex skips the whole conflicting term")
        void leaderSkipsConflictingTerm(String label, long conflictTerm, long conflictIndex, long expectedPrev) {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(6, 0), log(1, 1, 1, 4, 4, 5, 5, 6, 6, 6));
            makeLeaderByHand(c); // term 7, no-op at 11; appends to followers start after 10
            c.core(1).step(new AppendResponse(2, 1, 7, false, 10, conflictTerm, conflictIndex));
            List<AppendRequest> next = c.take(1).messages(AppendRequest.class);
            assertThat(next).hasSize(1);
            assertThat(next.get(0).to()).isEqualTo(2);
            assertThat(next.get(0).prevLogIndex()).isEqualTo(expectedPrev);
            assertThat(next.get(0).prevLogTerm()).isEqualTo(c.core(1).termAt(expectedPrev));
        }

        @Test
        @DisplayName("§5.3 a rejection for an append the leader no longer waits on is ignored")
        void staleRejectionIsIgnored() {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(6, 0), log(1, 1, 1, 4, 4, 5, 5, 6, 6, 6));
            makeLeaderByHand(c);
            c.core(1).step(new AppendResponse(2, 1, 7, false, 3, 0, 3)); // not about prev 10
            assertThat(c.take(1).messages(AppendRequest.class)).isEmpty();
        }

        @ParameterizedTest(name = "at most {0} entries and {1} bytes per append, commands of {2} bytes: {3} per append")
        @CsvSource({
                "3, 4194304, 10, 3",
                "100, 250, 100, 2",     // 2 x 124 bytes fit in 250, a third does not
                "100, 10, 100, 1",      // one entry always fits, even above the bound
        })
        @DisplayName("appends are bounded by maxEntriesPerAppend and maxBytesPerAppend")
        void appendsAreBounded(int maxEntries, long maxBytes, int commandBytes, int expectedPerAppend) {
            Cluster c = new Cluster(3, cfg -> cfg.withAppendBounds(maxEntries, maxBytes, 256));
            c.elect(1);
            c.delivered.clear();
            for (int i = 0; i < 12; i++) c.core(1).propose(new byte[commandBytes]);
            c.stabilize();
            List<AppendRequest> appends = c.delivered.stream().filter(m -> m instanceof AppendRequest)
                    .map(m -> (AppendRequest) m).filter(a -> !a.entries().isEmpty()).toList();
            assertThat(appends).allMatch(a -> a.entries().size() <= expectedPerAppend);
            assertThat(appends).anyMatch(a -> a.entries().size() == expectedPerAppend);
            assertThat(c.core(2).lastIndex()).isEqualTo(c.core(1).lastIndex());
            assertThat(c.core(1).commitIndex()).isEqualTo(c.core(1).lastIndex());
        }

        @Test
        @DisplayName("in-flight appends to one follower are bounded by maxInflightAppends")
        void inflightAppendsAreBounded() {
            Cluster c = new Cluster(3, cfg -> cfg.withAppendBounds(1, 1 << 20, 2));
            c.elect(1);
            for (int i = 0; i < 6; i++) {
                c.propose(1, "p" + i);
                c.drain(1);
            }
            List<Message> toTwo = c.inFlight().stream().filter(m -> m instanceof AppendRequest && m.to() == 2).toList();
            assertThat(toTwo).hasSize(2);
            // Deliver the first to 2 and its ack back: one slot frees up and exactly one more append goes out.
            c.clearNetwork();
            c.core(2).step(toTwo.get(0));
            AppendResponse ack = c.take(2).messages(AppendResponse.class).get(0);
            c.core(1).step(ack);
            assertThat(c.take(1).messages(AppendRequest.class)).hasSize(1).allMatch(a -> a.to() == 2);
        }

        @ParameterizedTest(name = "{0} voters, leader + {1} acks: committed={2}")
        @CsvSource({"1, 0, true", "3, 0, false", "3, 1, true", "5, 1, false", "5, 2, true", "5, 4, true"})
        @DisplayName("§5.3 an entry is committed once the leader has replicated it on a majority")
        void leaderCommitsOnMajority(int size, int acks, boolean committed) {
            Cluster c = paperCluster(size);
            c.elect(1);
            for (int id = 2 + acks; id <= size; id++) c.cut(1, id);
            long index = ((ProposeResult.Accepted) c.propose(1, "x")).index();
            c.stabilize();
            assertThat(c.core(1).commitIndex() >= index).isEqualTo(committed);
            if (committed) {
                for (int i = 0; i < Cluster.HEARTBEAT; i++) c.tick(1); // the commit reaches followers
                c.stabilize();
                for (int id = 2; id < 2 + acks; id++) assertThat(c.core(id).commitIndex()).isEqualTo(index);
            }
            c.assertSafe();
        }
    }

    // =================================================================== §5.4.2 and Figure 8

    @Nested
    @DisplayName("§5.4.2 committing entries from previous terms")
    class PreviousTerms {

        @Test
        @DisplayName("§5.4.2 a leader never commits an entry of an earlier term by counting replicas")
        void noCommitByCountingEarlierTerm() {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(1, 0), log(1, 1));
            makeLeaderByHand(c); // term 2, no-op at 3
            c.core(1).step(new AppendResponse(2, 1, 2, true, 2, 0, 0));
            assertThat(c.core(1).commitIndex()).isZero();
            c.core(1).step(new AppendResponse(2, 1, 2, true, 3, 0, 0));
            assertThat(c.core(1).commitIndex()).isEqualTo(3); // indirectly commits 1 and 2 too
        }

        @Test
        @DisplayName("§5.4.2 with COMMIT_PREVIOUS_TERM_BY_COUNTING the same replies do commit the old entry")
        void mutationCommitsByCounting() {
            Cluster c = paperCluster(3);
            c.load(1, new HardState(1, 0), log(1, 1));
            c.breakRule(1, Mutation.COMMIT_PREVIOUS_TERM_BY_COUNTING);
            makeLeaderByHand(c);
            c.core(1).step(new AppendResponse(2, 1, 2, true, 2, 0, 0));
            assertThat(c.core(1).commitIndex()).isEqualTo(2);
        }

        /**
         * Figure 8, scripted with five cores. Index 1 is the first leader's no-op; the contested entry is index 2.
         * <pre>
         * (a) S1 leads term 1 and replicates 2@1 to S2 only.
         * (b) S1 crashes; S5 is elected for term 2 by S3, S4, S5 and appends 2@2 (its no-op) alone.
         * (c) S5 crashes; S1 restarts, is elected for term 3 and replicates 2@1 to S3 (now on a majority),
         *     but its own no-op 3@3 reaches nobody.
         * (d) S1 crashes; S5 restarts, is elected for term 4 by S2, S3, S4 and overwrites index 2 with 2@2.
         * </pre>
         * Returns S1's commit index at the end of (c).
         */
        private long figure8(Cluster c) {
            // (a)
            c.elect(1);
            assertThat(c.core(1).term()).isEqualTo(1);
            for (int id = 3; id <= 5; id++) c.cut(1, id);
            c.propose(1, "x");
            c.stabilize();
            assertThat(c.terms(1)).containsExactly(1, 1);
            assertThat(c.terms(2)).containsExactly(1, 1);
            // (b)
            c.crash(1);
            c.heal();
            c.cut(5, 2);
            c.drop(m -> m instanceof AppendRequest && m.from() == 5);
            c.elect(5);
            assertThat(c.core(5).term()).isEqualTo(2);
            assertThat(c.terms(5)).containsExactly(1, 2);
            // (c)
            c.crash(5);
            c.heal();
            c.restart(1);
            c.cut(1, 4);
            // Only the term-1 part of S1's appends gets through: the no-op 3@3 stays on S1.
            c.rewrite(m -> m instanceof AppendRequest a && a.from() == 1
                    ? new AppendRequest(a.from(), a.to(), a.term(), a.prevLogIndex(), a.prevLogTerm(),
                            a.entries().stream().filter(e -> e.term() < a.term()).toList(), a.leaderCommit())
                    : m);
            c.elect(1);
            assertThat(c.core(1).term()).isEqualTo(3);
            c.stabilize();
            assertThat(c.terms(1)).containsExactly(1, 1, 3);
            assertThat(c.terms(2)).containsExactly(1, 1);
            assertThat(c.terms(3)).containsExactly(1, 1);
            long s1Commit = c.core(1).commitIndex();
            // (d)
            c.crash(1);
            c.heal();
            c.restart(5);
            c.elect(5);
            assertThat(c.core(5).term()).isEqualTo(4);
            c.stabilize();
            for (int i = 0; i < Cluster.HEARTBEAT; i++) c.tick(5);
            c.stabilize();
            return s1Commit;
        }

        @Test
        @DisplayName("Figure 8: an old-term entry on a majority is not committed, so overwriting it is safe")
        void figure8() {
            Cluster c = paperCluster(5);
            long s1Commit = figure8(c);
            assertThat(s1Commit).isZero(); // (restarted, S1 has not learned any commit of term 3)
            for (int id = 2; id <= 5; id++) assertThat(c.terms(id)).containsExactly(1, 2, 4);
            assertThat(c.core(5).commitIndex()).isEqualTo(3);
            c.assertSafe();
        }

        @Test
        @DisplayName("Figure 8 (e): once an entry of the leader's term is on a majority, the old entry is committed too")
        void figure8WithCurrentTermEntryOnMajority() {
            Cluster c = paperCluster(5);
            c.elect(1);
            for (int id = 3; id <= 5; id++) c.cut(1, id);
            c.propose(1, "x");
            c.stabilize();
            c.crash(1);
            c.heal();
            c.cut(5, 2);
            c.drop(m -> m instanceof AppendRequest && m.from() == 5);
            c.elect(5);
            c.crash(5);
            c.heal();
            c.restart(1);
            c.cut(1, 4);
            c.elect(1);
            c.stabilize(); // this time the no-op 3@3 reaches S2 and S3
            assertThat(c.core(1).commitIndex()).isEqualTo(3);
            c.crash(1);
            c.heal();
            c.restart(5);
            for (int i = 0; i < 5 * Cluster.MAX; i++) { // S5 campaigns again and again
                c.tick(5);
                c.stabilize();
            }
            assertThat(c.core(5).role()).isNotEqualTo(Role.LEADER); // S2, S3 hold 3@3: S5 is not up-to-date
            c.assertSafe();
        }

        @Test
        @DisplayName("Figure 8 with COMMIT_PREVIOUS_TERM_BY_COUNTING: a committed entry is later overwritten")
        void figure8MutationBreaksSafety() {
            Cluster c = paperCluster(5);
            for (int id = 1; id <= 5; id++) c.breakRule(id, Mutation.COMMIT_PREVIOUS_TERM_BY_COUNTING);
            long s1Commit = figure8(c);
            assertThat(s1Commit).isEqualTo(2);                    // S1 committed 2@1 by counting...
            assertThat(c.node(1).applied.get(2L).term()).isEqualTo(1);
            assertThat(c.core(5).termAt(2)).isEqualTo(2);           // ...and S5, elected later, commits 2@2
            assertThat(c.core(5).commitIndex()).isGreaterThanOrEqualTo(2);
            assertThat(c.node(5).applied.get(2L).term()).isEqualTo(2);
            assertThat(c.violations).anyMatch(v -> v.contains("applied Entry{2@2"));
        }
    }

    // =================================================================== §8

    @Test
    @DisplayName("§8 a new leader appends a no-op entry of its term, which commits the entries before it")
    void newLeaderAppendsNoop() {
        Cluster c = paperCluster(3);
        c.load(1, new HardState(2, 0), log(1, 2, 2));
        c.elect(1);
        Entry last = c.core(1).entryAt(c.core(1).lastIndex());
        assertThat(last.index()).isEqualTo(4);
        assertThat(last.type()).isEqualTo(EntryType.NOOP);
        assertThat(last.term()).isEqualTo(c.core(1).term()).isEqualTo(3);
        assertThat(c.core(1).commitIndex()).isEqualTo(4);
        for (int id = 2; id <= 3; id++) assertThat(c.terms(id)).containsExactly(1, 2, 2, 3);
    }

    // =================================================================== check-quorum, pre-vote, lease

    @Nested
    @DisplayName("dissertation §6.2 check-quorum, §9.6 pre-vote, §4.2.3 lease")
    class Availability {

        @Test
        @DisplayName("§6.2 a leader cut off from a majority steps down within two minimum election timeouts")
        void isolatedLeaderStepsDown() {
            Cluster c = new Cluster(3);
            c.elect(1);
            long term = c.core(1).term();
            c.isolate(1);
            int ticks = 0;
            while (c.core(1).role() == Role.LEADER) {
                c.tick(1);
                ticks++;
                assertThat(ticks).isLessThanOrEqualTo(2 * Cluster.MIN);
            }
            assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
            assertThat(c.core(1).term()).isEqualTo(term);
        }

        @Test
        @DisplayName("§6.2 a leader that hears from a majority keeps leading")
        void connectedLeaderKeepsLeading() {
            Cluster c = new Cluster(3);
            c.elect(1);
            c.crash(3);
            c.advance(10 * Cluster.MAX);
            assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
            assertThat(c.core(1).term()).isEqualTo(1);
        }

        @Test
        @DisplayName("§9.6 a node returning from a partition does not disrupt the leader (its term did not grow)")
        void preVoteKeepsRejoiningNodeFromDisrupting() {
            Cluster c = new Cluster(3);
            c.elect(1);
            c.isolate(3);
            c.advance(10 * Cluster.MAX);
            assertThat(c.core(3).term()).isEqualTo(1);
            c.heal();
            c.advance(3 * Cluster.MAX);
            assertThat(c.leaders()).containsExactly(1);
            for (int id : c.ids()) assertThat(c.core(id).term()).isEqualTo(1);
            c.assertSafe();
        }

        @Test
        @DisplayName("§9.6 contrast: without pre-vote a returning node's inflated term deposes the leader")
        void withoutPreVoteRejoiningNodeDisrupts() {
            Cluster c = new Cluster(3, cfg -> cfg.withPreVote(false));
            c.elect(1);
            c.isolate(3);
            c.advance(10 * Cluster.MAX);
            assertThat(c.core(3).term()).isGreaterThan(2);
            c.heal();
            c.advance(3 * Cluster.MAX);
            assertThat(c.core(1).term()).isGreaterThan(1); // the cluster had to move to a new term
            c.assertSafe();
        }

        static Stream<Arguments> leaseCases() {
            return Stream.of(
                    Arguments.of("pre-vote", true, false, false),
                    Arguments.of("vote", false, false, false),
                    Arguments.of("vote ordered by a transfer", false, true, true));
        }

        @ParameterizedTest(name = "{0}: granted={3}")
        @MethodSource("leaseCases")
        @DisplayName("§4.2.3 a follower that heard from the leader within the minimum election timeout refuses (pre-)votes, except a transfer's")
        void followerInLeaseRefusesVotes(String label, boolean preVote, boolean transfer, boolean granted) {
            Cluster c = new Cluster(3);
            c.elect(1);
            long term = c.core(2).term();
            c.core(2).step(new VoteRequest(3, 2, term + 1, 100, term, preVote, transfer));
            List<VoteResponse> responses = c.take(2).messages(VoteResponse.class);
            if (granted) {
                assertThat(responses).containsExactly(new VoteResponse(2, 3, term + 1, true, false));
            } else {
                assertThat(responses).noneMatch(VoteResponse::granted);
                assertThat(c.core(2).term()).isEqualTo(term);
                assertThat(c.core(2).leaderId()).isEqualTo(1);
            }
        }

        @Test
        @DisplayName("§4.2.3 once the lease has run out (min election timeout without the leader) pre-votes are granted")
        void followerOutOfLeaseGrantsPreVote() {
            Cluster c = new Cluster(3);
            c.elect(1);
            for (int i = 0; i < Cluster.MIN; i++) c.core(2).tick();
            c.take(2);
            c.core(2).step(new VoteRequest(3, 2, 2, 100, 1, true, false));
            assertThat(c.take(2).messages()).containsExactly(new VoteResponse(2, 3, 2, true, true));
            assertThat(c.core(2).term()).isEqualTo(1);
        }

        @Test
        @DisplayName("§4.2.3 a leader in lease ignores a higher-term vote request")
        void leaderIgnoresDisruptiveVote() {
            Cluster c = new Cluster(3);
            c.elect(1);
            c.core(1).step(new VoteRequest(3, 1, 5, 100, 4, false, false));
            assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
            assertThat(c.core(1).term()).isEqualTo(1);
        }
    }

    // =================================================================== leadership transfer

    @Nested
    @DisplayName("dissertation §3.10 leadership transfer")
    class Transfer {

        @Test
        @DisplayName("§3.10 transfer brings a lagging target up to date, then sends TimeoutNow; the target wins the next term")
        void transferToLaggingTarget() {
            Cluster c = new Cluster(3);
            c.elect(1);
            c.cut(1, 3);
            for (int i = 0; i < 5; i++) c.propose(1, "w" + i);
            c.stabilize();
            assertThat(c.core(3).lastIndex()).isLessThan(c.core(1).lastIndex());
            c.heal();
            c.delivered.clear();

            assertThat(c.core(1).transferLeadership(3)).isTrue();
            Cluster.Output out = c.drain(1);
            assertThat(out.messages(TimeoutNow.class)).isEmpty(); // not before the target has caught up
            assertThat(out.messages(AppendRequest.class)).anyMatch(m -> m.to() == 3);
            assertThat(c.propose(1, "during")).isInstanceOf(ProposeResult.Dropped.class);

            c.stabilize();
            int timeoutNow = indexOf(c.delivered, m -> m instanceof TimeoutNow);
            int lastAppend = lastIndexOf(c.delivered, m -> m instanceof AppendRequest a && a.to() == 3 && a.term() == 1);
            assertThat(timeoutNow).isGreaterThan(lastAppend);
            assertThat(c.leaders()).containsExactly(3);
            assertThat(c.core(3).term()).isEqualTo(2);
            assertThat(c.terms(1)).containsExactly(c.terms(3));
            c.assertSafe();
        }

        @Test
        @DisplayName("§3.10 an up-to-date target gets TimeoutNow at once")
        void transferToUpToDateTarget() {
            Cluster c = new Cluster(3);
            c.elect(1);
            c.core(1).transferLeadership(2);
            assertThat(c.take(1).messagesNow()).containsExactly(new TimeoutNow(1, 2, 1));
        }

        @Test
        @DisplayName("§3.10 if the target does not take over within an election timeout, proposals are accepted again")
        void transferTimesOut() {
            Cluster c = new Cluster(3);
            c.elect(1);
            c.crash(2);
            c.core(1).transferLeadership(2);
            assertThat(c.propose(1, "x")).isInstanceOf(ProposeResult.Dropped.class);
            c.advance(Cluster.MAX);
            assertThat(c.core(1).role()).isEqualTo(Role.LEADER);
            assertThat(c.propose(1, "x")).isInstanceOf(ProposeResult.Accepted.class);
        }
    }

    private static int indexOf(List<Message> messages, java.util.function.Predicate<Message> p) {
        for (int i = 0; i < messages.size(); i++) if (p.test(messages.get(i))) return i;
        return -1;
    }

    private static int lastIndexOf(List<Message> messages, java.util.function.Predicate<Message> p) {
        for (int i = messages.size() - 1; i >= 0; i--) if (p.test(messages.get(i))) return i;
        return -1;
    }

    // =================================================================== connection-closed hint

    @Nested
    @DisplayName("connection-closed hint")
    class LeaderLost {

        @Test
        @DisplayName("peerDisconnected(leader) makes a follower pre-vote within [1, leaderLostTimeoutMaxTicks] ticks")
        void followerPreVotesSoonAfterLeaderConnectionCloses() {
            Set<Integer> seen = new HashSet<>();
            for (long seed = 1; seed <= 60; seed++) {
                Cluster c = new Cluster(3, seed, cfg -> cfg);
                c.elect(1);
                c.core(2).peerDisconnected(1);
                int ticks = 0;
                while (c.core(2).role() == Role.FOLLOWER) {
                    c.core(2).tick();
                    ticks++;
                    assertThat(ticks).isLessThanOrEqualTo(Cluster.LEADER_LOST_MAX);
                }
                assertThat(c.core(2).role()).isEqualTo(Role.PRE_CANDIDATE);
                seen.add(ticks);
            }
            assertThat(seen).containsExactlyInAnyOrder(1, 2, 3);
        }

        @Test
        @DisplayName("a spurious hint while the leader is alive causes no new term")
        void spuriousHintDoesNotDisrupt() {
            Cluster c = new Cluster(3);
            c.elect(1);
            c.core(2).peerDisconnected(1);
            for (int i = 0; i < Cluster.LEADER_LOST_MAX; i++) c.tick(2);
            c.stabilize();
            assertThat(c.core(2).role()).isEqualTo(Role.PRE_CANDIDATE);
            c.advance(3 * Cluster.MAX);
            assertThat(c.leaders()).containsExactly(1);
            for (int id : c.ids()) assertThat(c.core(id).term()).isEqualTo(1);
            assertThat(c.core(2).leaderId()).isEqualTo(1);
        }

        @Test
        @DisplayName("the hint about a peer that is not the leader is ignored")
        void hintAboutNonLeaderIsIgnored() {
            Cluster c = new Cluster(3);
            c.elect(1);
            c.core(2).peerDisconnected(3);
            for (int i = 0; i < Cluster.MIN - 1; i++) c.core(2).tick();
            assertThat(c.core(2).role()).isEqualTo(Role.FOLLOWER);
        }
    }

    // =================================================================== ReadIndex

    @Nested
    @DisplayName("dissertation §6.4 ReadIndex")
    class ReadIndex {

        @Test
        @DisplayName("§6.4 a read is confirmed only after a majority answers a heartbeat round sent after it")
        void readConfirmedAfterMajorityHeartbeatRound() {
            Cluster c = new Cluster(5);
            c.elect(1);
            long commit = c.core(1).commitIndex();
            assertThat(c.core(1).readIndex(7)).isEqualTo(new ProposeResult.Accepted(commit, 1));
            List<Heartbeat> round = c.take(1).messages(Heartbeat.class);
            assertThat(round).hasSize(4);
            long r = round.get(0).readRound();

            c.core(1).step(new HeartbeatResponse(2, 1, 1, r - 1)); // an earlier round proves nothing
            c.core(1).step(new HeartbeatResponse(3, 1, 1, r - 1));
            c.core(1).step(new HeartbeatResponse(2, 1, 1, r));
            assertThat(c.take(1).readStates()).isEmpty(); // leader + 1 of 5
            c.core(1).step(new HeartbeatResponse(3, 1, 1, r));
            assertThat(c.take(1).readStates()).containsExactly(new ReadState(7, commit));
        }

        @Test
        @DisplayName("§6.4 reads before the leader's first commit in its term wait for it")
        void readWaitsForFirstCommitOfTerm() {
            Cluster c = new Cluster(3);
            c.load(1, new HardState(1, 0), log(1, 1));
            makeLeaderByHand(c); // term 2, no-op at 3 uncommitted
            assertThat(c.core(1).readIndex(9)).isInstanceOf(ProposeResult.Accepted.class);
            assertThat(c.take(1).messages(Heartbeat.class)).isEmpty();
            c.core(1).step(new HeartbeatResponse(2, 1, 2, 0));
            assertThat(c.take(1).readStates()).isEmpty();

            c.core(1).step(new AppendResponse(2, 1, 2, true, 3, 0, 0)); // the no-op commits
            assertThat(c.core(1).commitIndex()).isEqualTo(3);
            List<Heartbeat> round = c.take(1).messages(Heartbeat.class);
            assertThat(round).isNotEmpty();
            c.core(1).step(new HeartbeatResponse(2, 1, 2, round.get(0).readRound()));
            assertThat(c.take(1).readStates()).containsExactly(new ReadState(9, 3));
        }

        @Test
        @DisplayName("§6.4 a leader that loses leadership fails its pending reads")
        void lostLeadershipFailsPendingReads() {
            Cluster c = new Cluster(3);
            c.elect(1);
            c.core(1).readIndex(5);
            c.core(1).readIndex(6);
            c.take(1);
            c.core(1).step(new AppendResponse(2, 1, 9, false, 0, 0, 0));
            Cluster.Output out = c.take(1);
            assertThat(out.failedReads()).containsExactly(5L, 6L);
            assertThat(out.readStates()).isEmpty();
        }

        @Test
        @DisplayName("§6.4 a non-leader answers NotLeader with its leader hint")
        void nonLeaderAnswersNotLeader() {
            Cluster c = new Cluster(3);
            c.elect(1);
            assertThat(c.core(2).readIndex(1)).isEqualTo(new ProposeResult.NotLeader(1));
            assertThat(c.propose(2, "x")).isEqualTo(new ProposeResult.NotLeader(1));
        }

        @Test
        @DisplayName("§6.4 end to end: the read index covers a write committed before the read")
        void readIndexCoversEarlierWrite() {
            Cluster c = new Cluster(3);
            c.elect(1);
            long index = ((ProposeResult.Accepted) c.propose(1, "w")).index();
            c.stabilize();
            c.core(1).readIndex(42);
            c.stabilize();
            assertThat(c.node(1).readStates).containsExactly(new ReadState(42, index));
        }
    }

    // =================================================================== §7

    @Test
    @DisplayName("§7 a follower behind the leader's snapshot gets InstallSnapshot, restores it, then catches up")
    void laggingFollowerInstallsSnapshot() {
        Cluster c = new Cluster(3);
        c.elect(1);
        c.crash(3);
        for (int i = 0; i < 5; i++) c.propose(1, "w" + i);
        c.stabilize();
        long applied = c.core(1).appliedIndex();
        Snapshot snapshot = c.compact(1, applied);
        c.propose(1, "after");
        c.stabilize();
        c.restart(3);
        c.delivered.clear();

        c.advance(3 * Cluster.HEARTBEAT);

        assertThat(c.delivered).filteredOn(m -> m instanceof SnapshotRequest).hasSize(1);
        assertThat(c.node(3).snapshot.lastIndex()).isEqualTo(snapshot.lastIndex());
        assertThat(c.core(3).firstIndex()).isEqualTo(snapshot.lastIndex() + 1);
        assertThat(c.core(3).lastIndex()).isEqualTo(c.core(1).lastIndex());
        assertThat(c.core(3).commitIndex()).isEqualTo(c.core(1).commitIndex());
        assertThat(c.core(3).entryAt(c.core(3).lastIndex())).isEqualTo(c.core(1).entryAt(c.core(1).lastIndex()));
        c.assertSafe();
    }

    @Test
    @DisplayName("§7 compacting beyond what the state machine applied is refused")
    void compactBeyondAppliedThrows() {
        Cluster c = new Cluster(3);
        c.elect(1);
        c.propose(1, "x");
        c.drain(1);
        assertThatThrownBy(() -> c.core(1).compact(new Snapshot(2, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // =================================================================== persistence

    @Test
    @DisplayName("Figure 2: a restarted node keeps its term and vote and does not vote twice in that term")
    void restartKeepsTermAndVote() {
        Cluster c = paperCluster(3);
        c.core(1).step(new VoteRequest(2, 1, 5, 0, 0, false, false));
        c.take(1);
        c.crash(1);
        c.restart(1);
        assertThat(c.core(1).term()).isEqualTo(5);
        assertThat(c.core(1).votedFor()).isEqualTo(2);
        c.core(1).step(new VoteRequest(3, 1, 5, 10, 5, false, false));
        c.core(1).step(new VoteRequest(2, 1, 5, 0, 0, false, false));
        assertThat(c.take(1).messages()).containsExactly(
                new VoteResponse(1, 3, 5, false, false), new VoteResponse(1, 2, 5, true, false));
    }

    @Test
    @DisplayName("Figure 2: a restarted node keeps its log and relearns the commit index from the leader")
    void restartKeepsLog() {
        Cluster c = new Cluster(3);
        c.elect(1);
        for (int i = 0; i < 3; i++) c.propose(1, "w" + i);
        c.stabilize();
        long[] before = c.terms(2);
        c.crash(2);
        c.restart(2);
        assertThat(c.terms(2)).containsExactly(before);
        assertThat(c.core(2).commitIndex()).isZero();
        c.advance(Cluster.HEARTBEAT);
        assertThat(c.core(2).commitIndex()).isEqualTo(c.core(1).commitIndex());
        c.assertSafe();
    }

    // =================================================================== illegal transitions

    @Test
    @DisplayName("§5.2 two leaders in one term are detected: a leader refuses another leader's append of its term")
    void twoLeadersInOneTermThrows() {
        Cluster c = paperCluster(3);
        c.elect(1);
        assertThatThrownBy(() -> c.core(1).step(new AppendRequest(2, 1, 1, 0, 0, List.of(), 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two leaders");
        assertThatThrownBy(() -> c.core(1).step(new Heartbeat(3, 1, 1, 0, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two leaders");
    }

    @Test
    @DisplayName("a message for another node is refused")
    void misaddressedMessageThrows() {
        Cluster c = paperCluster(3);
        assertThatThrownBy(() -> c.core(1).step(new Heartbeat(2, 3, 1, 0, 0))).isInstanceOf(IllegalArgumentException.class);
    }
}
