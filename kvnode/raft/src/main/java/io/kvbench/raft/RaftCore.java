package io.kvbench.raft;

import io.kvbench.raft.Message.AppendRequest;
import io.kvbench.raft.Message.AppendResponse;
import io.kvbench.raft.Message.Heartbeat;
import io.kvbench.raft.Message.HeartbeatResponse;
import io.kvbench.raft.Message.SnapshotChunk;
import io.kvbench.raft.Message.SnapshotChunkAck;
import io.kvbench.raft.Message.SnapshotRequest;
import io.kvbench.raft.Message.TimeoutNow;
import io.kvbench.raft.Message.VoteRequest;
import io.kvbench.raft.Message.VoteResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The consensus core: one Raft replica as a pure, single-threaded state machine (etcd-io/raft's
 * {@code raft.go}). It owns no thread, clock, socket or file. The runtime calls {@link #step(Message)},
 * {@link #tick()}, {@link #propose(byte[])}, {@link #readIndex(long)} and the hints, then drains
 * {@link #ready()} and acknowledges persistence with {@link #persisted(Ready)}.
 * Role changes happen only in the {@code become*} methods, which reset role state; terms are handled
 * first and in one place ({@link #step}).
 */
public final class RaftCore {
    private final RaftConfig config;
    private final Random random;
    private final int selfId;
    private final List<Integer> peerIds;

    // Persistent state (Figure 2).
    private long term;
    private int votedFor;
    /**
     * While the log ends before this index the node takes no part in elections: it grants no vote and stands for
     * none (a rebuilt node; see the constructor).
     */
    private final long voteFenceIndex;
    private final RaftLog log;

    // Volatile state.
    private Role role = Role.FOLLOWER;
    private int leaderId;
    private long commitIndex;
    /** Highest index handed to the runtime for applying. */
    private long appliedIndex;
    private int electionElapsedTicks;
    private int heartbeatElapsedTicks;
    private int randomizedElectionTimeoutTicks;

    // Candidate state: votes received in the current (pre-)election.
    private final Map<Integer, Boolean> votes = new LinkedHashMap<>();
    /** Pre-vote requests ignored in lease since the leader was last heard from, latest per sender (peerDisconnected). */
    private final Map<Integer, VoteRequest> preVotesIgnoredInLease = new LinkedHashMap<>();
    /** As candidate: whether our term and self-vote are durable, without which we may not lead (becomeCandidate). */
    private boolean candidateVoteDurable;

    // Leader state.
    private final Map<Integer, Progress> progress = new TreeMap<>();
    private int transferTargetId;
    private int transferElapsedTicks;
    private boolean appendPending;
    private final ReadIndexTracker reads = new ReadIndexTracker();
    private Mutation mutation = Mutation.NONE;

    // Output accumulated until the next ready().
    private HardState lastEmittedHardState;
    private Snapshot pendingSnapshot;
    private final List<Message> messagesNow = new ArrayList<>();
    private final List<Message> messagesAfterPersist = new ArrayList<>();
    private final List<ReadState> readStates = new ArrayList<>();
    private final List<Long> failedReads = new ArrayList<>();
    private final List<RoleChange> roleChanges = new ArrayList<>();

    /** A fresh node with an empty log. */
    public RaftCore(RaftConfig config, Random random) {
        this(config, random, HardState.INITIAL, Snapshot.EMPTY, List.of());
    }

    /** A node restarted from what its storage recovered; all of it is durable. */
    public RaftCore(RaftConfig config, Random random, HardState hardState, Snapshot snapshot, List<Entry> entries) {
        this(config, random, hardState, snapshot, entries, 0);
    }

    /**
     * A node restarted from its storage, which may carry a vote fence: a node rebuilt after it lost its storage
     * takes no part in elections until its log reaches {@code voteFenceIndex} (0: no fence). It grants no vote or
     * pre-vote, and it does not campaign (no pre-vote, no election, no TimeoutNow). The node may have acknowledged
     * entries up to there before the loss, and a leader may have counted them towards a commit, even after the loss
     * (until it learns of it): such an entry may now be held by one node fewer than a majority. Voting with a shorter
     * log could help elect a leader that lacks one of them; standing as a candidate could too, its own vote joining
     * those of followers that lack it (with a shorter log than its partial one). Either way a committed entry would
     * be lost. Kept out of elections, it leaves only quorums of the nodes that kept their storage, each of which holds
     * one of those entries' replicas (dissertation §3.8: a server that lost its storage must not rejoin as if it
     * had not). Its acknowledgements of entries it does hold count as any follower's. Its hard state keeps it from
     * voting in the terms it may have voted in.
     */
    public RaftCore(RaftConfig config, Random random, HardState hardState, Snapshot snapshot, List<Entry> entries,
                    long voteFenceIndex) {
        if (voteFenceIndex < 0) throw new IllegalArgumentException("negative vote fence index " + voteFenceIndex);
        this.voteFenceIndex = voteFenceIndex;
        this.config = config;
        this.random = random;
        this.selfId = config.nodeId();
        this.peerIds = config.voterIds().stream().filter(id -> id != selfId).sorted().toList();
        this.term = hardState.term();
        this.votedFor = hardState.votedFor();
        this.log = new RaftLog(snapshot, entries);
        this.commitIndex = snapshot.lastIndex();
        this.appliedIndex = snapshot.lastIndex();
        this.lastEmittedHardState = hardState;
        resetRandomizedElectionTimeout();
    }

    /** Fault injection for the simulator's mutation check; see {@link Mutation}. */
    public void breakRuleForTesting(Mutation rule) {
        this.mutation = rule;
    }

    // ---------------------------------------------------------------- inputs

    /**
     * How many {@link #tick()}s from now the next one acts (a heartbeat, check-quorum, a leadership transfer given up,
     * an election or pre-vote timeout, a pre-vote resent); the ticks before it only count. For a runtime that sleeps
     * until then rather than waking every tick (issue 19): it still calls {@link #tick()} once per unit of time that
     * passed, before stepping what arrived meanwhile (the lease, §4.2.3, is judged by the count), and asks again after
     * every input, which can bring the next action closer (a lost leader's hint, a new role). At least 1.
     */
    public int ticksUntilNextAction() {
        int next;
        if (role == Role.LEADER) {
            next = Math.min(config.heartbeatIntervalTicks() - heartbeatElapsedTicks,
                    config.electionTimeoutMinTicks() - electionElapsedTicks);
            if (transferTargetId != 0) next = Math.min(next, config.electionTimeoutMaxTicks() - transferElapsedTicks);
        } else {
            next = randomizedElectionTimeoutTicks - electionElapsedTicks;
            if (role == Role.PRE_CANDIDATE) {
                next = Math.min(next, config.heartbeatIntervalTicks() - electionElapsedTicks % config.heartbeatIntervalTicks());
            }
        }
        return Math.max(1, next);
    }

    /** One unit of time passed. */
    public void tick() {
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            electionElapsedTicks++;
            if (electionElapsedTicks >= randomizedElectionTimeoutTicks) {
                if (belowVoteFence()) {
                    electionElapsedTicks = 0; // a rebuilt node stands for nothing until it holds what it may have lost
                    return;
                }
                campaignOrPreVote();
            } else if (role == Role.PRE_CANDIDATE && electionElapsedTicks % config.heartbeatIntervalTicks() == 0) {
                resendPreVoteRequests();
            }
        }
    }

    /**
     * A pre-candidate asks again, once per heartbeat interval, those that have not answered. A follower that had
     * not yet noticed the leader's death ignores a pre-vote while in lease (§4.2.3); it answers as soon as it sees
     * the leader's connection close ({@link #peerDisconnected}), but a request can be lost, or a lease run out with
     * no close to see; without a retry the pre-candidate would wait out a whole election timeout. At the heartbeat
     * rate, not every tick: with a one-tick leader-lost timeout that would be a request per millisecond. Safe: a
     * pre-vote changes no state anywhere (dissertation §9.6).
     */
    private void resendPreVoteRequests() {
        for (int peerId : peerIds) {
            if (votes.containsKey(peerId)) continue;
            send(messagesNow, new VoteRequest(selfId, peerId, term + 1, log.lastIndex(), log.lastTerm(), true, false));
        }
    }

    private void tickLeader() {
        heartbeatElapsedTicks++;
        electionElapsedTicks++;
        for (Progress follower : progress.values()) {
            follower.ticksSinceAppendResponse++;
            follower.ticksSinceSnapshotSent++;
        }
        if (electionElapsedTicks >= config.electionTimeoutMinTicks()) {
            electionElapsedTicks = 0;
            // Check-quorum (dissertation §6.2): a leader cut off from a majority steps down, so clients
            // stop waiting on it and a stale leader cannot serve reads.
            if (config.checkQuorum() && !quorumRecentlyActive()) {
                becomeFollower(term, 0);
                return;
            }
            progress.values().forEach(p -> p.recentlyActive = false);
        }
        if (transferTargetId != 0 && ++transferElapsedTicks >= config.electionTimeoutMaxTicks()) {
            transferTargetId = 0; // the target did not take over in time; accept proposals again
        }
        if (heartbeatElapsedTicks >= config.heartbeatIntervalTicks()) {
            heartbeatElapsedTicks = 0;
            broadcastHeartbeat();
        }
    }

    /**
     * The runtime saw the connection to {@code peerId} close. If that peer is our leader, it has probably
     * crashed: start a pre-vote within a few ticks instead of waiting out the whole election timeout. Safety
     * does not depend on it (a pre-vote changes nothing durable), and a live leader keeps its followers in
     * lease, so they refuse the pre-vote and nothing is disrupted.
     */
    public void peerDisconnected(int peerId) {
        if (role == Role.LEADER) {
            Progress follower = progress.get(peerId);
            if (follower != null && follower.state == Progress.State.REPLICATE) follower.becomeProbe();
            return;
        }
        if (role != Role.FOLLOWER || leaderId != peerId) return;
        leaderId = 0;
        int ticksLeft = 1 + random.nextInt(config.leaderLostTimeoutMaxTicks());
        electionElapsedTicks = Math.max(electionElapsedTicks, randomizedElectionTimeoutTicks - ticksLeft);
        // The lease ended with the leader's connection. A follower that noticed first may already have asked for
        // our pre-vote, which the lease made us ignore; answer it now rather than at its next resend, up to a
        // heartbeat interval later. Nothing new is granted: the request is judged as if it arrived now.
        List<VoteRequest> held = new ArrayList<>(preVotesIgnoredInLease.values());
        preVotesIgnoredInLease.clear();
        for (VoteRequest request : held) {
            if (request.term() > term) step(request);
        }
    }

    /** Propose a command; only a leader accepts it (§5.3). */
    public ProposeResult propose(byte[] command) {
        if (role != Role.LEADER) return new ProposeResult.NotLeader(leaderId);
        if (transferTargetId != 0) return new ProposeResult.Dropped("leadership transfer to " + transferTargetId + " in progress");
        if (log.lastIndex() - commitIndex >= config.maxUncommittedEntries()) {
            return new ProposeResult.Dropped("too many uncommitted entries (" + config.maxUncommittedEntries() + ")");
        }
        if (log.bytes() >= config.maxLogBytes()) {
            // Bytes, not only entries: with 1 MiB values the entry bound alone let the log outgrow the heap. A snapshot
            // compacts the applied part (the driver takes one by bytes too), and proposals are taken again.
            return new ProposeResult.Dropped("the in-memory log holds " + log.bytes() + " bytes, the limit is "
                    + config.maxLogBytes() + "; waiting for a snapshot to compact it");
        }
        long index = log.lastIndex() + 1;
        log.append(Entry.command(index, term, command));
        appendPending = true;
        if (peerIds.isEmpty()) maybeCommit();
        return new ProposeResult.Accepted(index, term);
    }

    /**
     * Ask for a linearizable read point (ReadIndex, §6.4): the leader records its commit index, confirms with
     * a heartbeat round that it still leads, then emits a {@link ReadState}. Until it has committed an entry
     * of its own term it does not know the latest commit index, so such reads wait for the no-op.
     */
    public ProposeResult readIndex(long requestId) {
        if (role != Role.LEADER) return new ProposeResult.NotLeader(leaderId);
        reads.add(requestId, commitIndex, committedInCurrentTerm());
        if (peerIds.isEmpty()) releaseReads();
        return new ProposeResult.Accepted(commitIndex, term);
    }

    /** Hand leadership to {@code targetId} (dissertation §3.10), e.g. on graceful shutdown. */
    public boolean transferLeadership(int targetId) {
        if (role != Role.LEADER || !progress.containsKey(targetId)) return false;
        transferTargetId = targetId;
        transferElapsedTicks = 0;
        Progress target = progress.get(targetId);
        if (target.matchIndex == log.lastIndex()) {
            send(messagesNow, new TimeoutNow(selfId, targetId, term));
        } else {
            sendAppend(targetId, target);
        }
        return true;
    }

    /** The follower best placed to take over: the one with the highest match index. */
    public int mostUpToDateFollower() {
        int best = 0;
        long bestMatch = -1;
        for (Map.Entry<Integer, Progress> e : progress.entrySet()) {
            if (e.getValue().matchIndex > bestMatch) {
                bestMatch = e.getValue().matchIndex;
                best = e.getKey();
            }
        }
        return best;
    }

    /** The state machine captured everything up to {@code snapshot.lastIndex()}: drop those entries (§7). */
    public void compact(Snapshot snapshot) {
        if (snapshot.lastIndex() > appliedIndex) {
            throw new IllegalArgumentException("cannot compact to " + snapshot.lastIndex() + " beyond applied " + appliedIndex);
        }
        log.compact(snapshot);
    }

    // ---------------------------------------------------------------- messages

    /** Handle one message from a peer. Terms first (§5.1), then by type. */
    public void step(Message message) {
        if (message.to() != selfId) throw new IllegalArgumentException("message for " + message.to() + " stepped into " + selfId);
        if (message.term() > term) {
            if (!handleHigherTerm(message)) return;
        } else if (message.term() < term) {
            answerStaleTerm(message);
            return;
        }
        if (message instanceof VoteRequest request) handleVoteRequest(request);
        else if (message instanceof VoteResponse response) handleVoteResponse(response);
        else if (message instanceof AppendRequest request) handleAppendRequest(request);
        else if (message instanceof AppendResponse response) handleAppendResponse(response);
        else if (message instanceof Heartbeat heartbeat) handleHeartbeat(heartbeat);
        else if (message instanceof HeartbeatResponse response) handleHeartbeatResponse(response);
        else if (message instanceof SnapshotRequest request) handleSnapshotRequest(request);
        else if (message instanceof SnapshotChunk chunk) acceptLeader(chunk.from()); // the driver stages its bytes
        else if (message instanceof SnapshotChunkAck ack) handleSnapshotChunkAck(ack);
        else if (message instanceof TimeoutNow timeoutNow) handleTimeoutNow(timeoutNow);
        else throw new IllegalArgumentException("unknown message " + message);
    }

    /** Returns whether the message should still be handled. */
    private boolean handleHigherTerm(Message message) {
        if (message instanceof VoteRequest request) {
            // Dissertation §4.2.3: a server that heard from a current leader within the minimum election
            // timeout ignores vote requests, so a removed or partitioned server cannot depose a live leader.
            // A transfer ordered by the leader itself is exempt.
            if (inLease() && !request.transfer()) {
                if (request.preVote()) preVotesIgnoredInLease.put(request.from(), request);
                return false;
            }
            if (request.preVote()) return true; // a pre-vote never changes our term (§9.6)
        }
        if (message instanceof VoteResponse response && response.preVote() && response.granted()) {
            return true; // the granted pre-vote echoes the term we would campaign in
        }
        boolean fromLeader = message instanceof AppendRequest || message instanceof Heartbeat
                || message instanceof SnapshotRequest || message instanceof SnapshotChunk;
        becomeFollower(message.term(), fromLeader ? message.from() : 0);
        return true;
    }

    /** A message from an older term: tell its sender our term so a stale leader or candidate steps down. */
    private void answerStaleTerm(Message message) {
        if (message instanceof AppendRequest || message instanceof Heartbeat || message instanceof SnapshotRequest
                || message instanceof SnapshotChunk) {
            send(messagesNow, new AppendResponse(selfId, message.from(), term, false, 0, 0, 0));
        } else if (message instanceof VoteRequest request && request.preVote()) {
            send(messagesNow, new VoteResponse(selfId, request.from(), term, false, true));
        }
        // Responses and stale candidates' requests are dropped.
    }

    private void handleVoteRequest(VoteRequest request) {
        // §5.2: at most one vote per term; §5.4.1: only for a candidate whose log is at least as up-to-date.
        boolean canVote = request.preVote()
                ? request.term() > term && !inLease()
                : votedFor == request.from() || (votedFor == HardState.NO_VOTE && leaderId == 0);
        boolean granted = canVote && !belowVoteFence()
                && (log.isUpToDate(request.lastLogIndex(), request.lastLogTerm())
                || mutation == Mutation.SKIP_UP_TO_DATE_CHECK);
        if (request.preVote()) {
            send(messagesNow, new VoteResponse(selfId, request.from(), granted ? request.term() : term, granted, true));
            // Two followers that lost the same leader at the same moment would each win the other's pre-vote
            // and split the real vote. A liveness tie-break, not a safety rule (a pre-vote changes nothing
            // durable): the pre-candidate with the less up-to-date log, or on equal logs the lower id, stands
            // down and waits a full election timeout, which is also its fallback if the other fails.
            if (granted && role == Role.PRE_CANDIDATE && yieldsTo(request)) becomeFollower(term, 0);
            return;
        }
        if (granted) {
            votedFor = request.from();
            electionElapsedTicks = 0; // §5.2: granting a vote resets the election timer
        }
        // The vote is part of the hard state: it must be durable before the reply leaves.
        send(messagesAfterPersist, new VoteResponse(selfId, request.from(), term, granted, false));
    }

    private boolean yieldsTo(VoteRequest rival) {
        boolean rivalMoreUpToDate = rival.lastLogTerm() > log.lastTerm()
                || (rival.lastLogTerm() == log.lastTerm() && rival.lastLogIndex() > log.lastIndex());
        boolean sameLog = rival.lastLogTerm() == log.lastTerm() && rival.lastLogIndex() == log.lastIndex();
        return rivalMoreUpToDate || (sameLog && rival.from() > selfId);
    }

    private void handleVoteResponse(VoteResponse response) {
        boolean expected = (role == Role.PRE_CANDIDATE && response.preVote())
                || (role == Role.CANDIDATE && !response.preVote());
        if (!expected) return;
        countVote(response.from(), response.granted());
    }

    private void countVote(int from, boolean granted) {
        votes.putIfAbsent(from, granted);
        long grantedVotes = votes.values().stream().filter(v -> v).count();
        long rejected = votes.size() - grantedVotes;
        if (grantedVotes >= config.quorum()) {
            if (role == Role.PRE_CANDIDATE) becomeCandidate(false);
            else if (candidateVoteDurable) becomeLeader();
        } else if (rejected >= config.quorum()) {
            becomeFollower(term, 0);
        }
    }

    private void handleAppendRequest(AppendRequest request) {
        acceptLeader(request.from());
        if (request.prevLogIndex() < commitIndex) {
            // Everything up to our commit index is already settled; tell the leader where we stand.
            send(messagesAfterPersist, new AppendResponse(selfId, request.from(), term, true, commitIndex, 0, 0));
            return;
        }
        if (log.term(request.prevLogIndex()) != request.prevLogTerm()) {
            send(messagesNow, rejection(request));
            return;
        }
        log.appendFromLeader(request.entries());
        long lastNewIndex = request.prevLogIndex() + request.entries().size();
        // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
        advanceCommit(Math.min(request.leaderCommit(), lastNewIndex));
        // A follower acknowledges only what is durable: the reply waits for persistence.
        send(mutation == Mutation.ACK_BEFORE_PERSIST ? messagesNow : messagesAfterPersist, new AppendResponse(selfId, request.from(), term, true, lastNewIndex, 0, 0));
    }

    /** The conflict hint of the fast back-off (§5.3): skip a whole term per round trip, not one entry. */
    private AppendResponse rejection(AppendRequest request) {
        long prev = request.prevLogIndex();
        if (prev > log.lastIndex()) {
            return new AppendResponse(selfId, request.from(), term, false, prev, 0, log.lastIndex() + 1);
        }
        long conflictTerm = log.term(prev);
        return new AppendResponse(selfId, request.from(), term, false, prev, conflictTerm, log.firstIndexOfTerm(prev));
    }

    private void handleHeartbeat(Heartbeat heartbeat) {
        acceptLeader(heartbeat.from());
        // The leader sends min(its commit, our match), so everything up to it matches the leader's log.
        advanceCommit(Math.min(heartbeat.commitIndex(), log.lastIndex()));
        send(messagesNow, new HeartbeatResponse(selfId, heartbeat.from(), term, heartbeat.readRound()));
        if (heartbeat.commitIndex() > log.lastIndex()) {
            // Beyond our log: the leader counts entries we acknowledged and no longer hold. Only a node that lost its
            // storage can (one rebuilt as docs/storage-recovery.md says): tell the leader where our log ends, or it
            // never sends them again. The rejected index 0 marks it: no append rejection carries 0 (index 0 always
            // matches).
            send(messagesNow, new AppendResponse(selfId, heartbeat.from(), term, false, 0, 0, log.lastIndex() + 1));
        }
    }

    private void handleSnapshotRequest(SnapshotRequest request) {
        acceptLeader(request.from());
        Snapshot snapshot = request.snapshot();
        if (snapshot.lastIndex() <= commitIndex) {
            send(messagesAfterPersist, new AppendResponse(selfId, request.from(), term, true, commitIndex, 0, 0));
            return;
        }
        if (log.term(snapshot.lastIndex()) == snapshot.lastTerm()) {
            // We already hold the snapshot's last entry: the log matches up to there (§7, "retain the log
            // entries following it"), so fast-forward the commit index instead of discarding the log.
            advanceCommit(snapshot.lastIndex());
        } else {
            log.restore(snapshot);
            commitIndex = snapshot.lastIndex();
            appliedIndex = snapshot.lastIndex();
            pendingSnapshot = snapshot;
        }
        send(messagesAfterPersist, new AppendResponse(selfId, request.from(), term, true, snapshot.lastIndex(), 0, 0));
    }

    /**
     * A follower staged more of the snapshot we owe it: the transfer is alive, so the follower stays in SNAPSHOT
     * instead of timing out into a probe that would start the snapshot again (a large one takes longer than an
     * election timeout to cross). The bytes themselves are the driver's business.
     */
    private void handleSnapshotChunkAck(SnapshotChunkAck ack) {
        if (role != Role.LEADER) return;
        Progress follower = progress.get(ack.from());
        if (follower == null) return;
        follower.recentlyActive = true;
        if (follower.state == Progress.State.SNAPSHOT && ack.snapshot().lastIndex() == follower.pendingSnapshotIndex) {
            follower.ticksSinceSnapshotSent = 0;
        }
    }

    private void handleTimeoutNow(TimeoutNow timeoutNow) {
        // A leader counts a rebuilt node's lost entries until it learns of the loss, so it may ask it to take over.
        if (role == Role.LEADER || belowVoteFence()) return;
        // Dissertation §3.10: the leader asked us to campaign now; skip pre-vote and the lease check.
        becomeCandidate(true);
    }

    private void handleAppendResponse(AppendResponse response) {
        if (role != Role.LEADER) return;
        Progress follower = progress.get(response.from());
        if (follower == null) return;
        follower.recentlyActive = true;
        if (!response.success()) {
            backOff(response.from(), follower, response);
            return;
        }
        if (follower.acknowledge(response.matchIndex())) {
            if (follower.state == Progress.State.PROBE) follower.becomeReplicate();
            if (follower.state == Progress.State.SNAPSHOT && follower.matchIndex >= follower.pendingSnapshotIndex) {
                follower.becomeReplicate();
            }
            maybeCommit();
        } else if (follower.state == Progress.State.PROBE) {
            follower.probeSent = false;
        }
        if (transferTargetId == response.from() && follower.matchIndex == log.lastIndex()) {
            send(messagesNow, new TimeoutNow(selfId, response.from(), term));
        }
        sendAppendIfNeeded(response.from(), follower);
    }

    private void backOff(int followerId, Progress follower, AppendResponse response) {
        long rejectedIndex = response.matchIndex();
        if (rejectedIndex == 0) {
            // A rebuilt follower's report (handleHeartbeat) carries its last index + 1 >= 1; an answer to a message of
            // an older term (answerStaleTerm) carries 0, and reaches a leader of its own term when this node sent the
            // stale message before it was elected in that term: it says nothing about the follower's log.
            if (response.conflictIndex() > 0) forgetLostEntries(followerId, follower, response.conflictIndex() - 1);
            return;
        }
        boolean stale = follower.state == Progress.State.REPLICATE
                ? rejectedIndex <= follower.matchIndex
                : rejectedIndex != follower.nextIndex - 1;
        if (stale || follower.state == Progress.State.SNAPSHOT) return;
        long next = response.conflictIndex();
        if (response.conflictTerm() > 0) {
            long lastOfTerm = log.lastIndexOfTerm(response.conflictTerm());
            if (lastOfTerm > 0) next = lastOfTerm + 1;
        }
        follower.becomeProbe();
        follower.nextIndex = Math.max(follower.matchIndex + 1, Math.min(next, rejectedIndex));
        sendAppend(followerId, follower);
    }

    /**
     * The follower's log ends at {@code followerLastIndex}, before entries it acknowledged: it lost its storage and
     * was rebuilt. Lower its match and probe from there. Lowering a match can delay a commit, never cause one or
     * undo one (commitIndex only grows), and a duplicate of this signal arriving after the follower caught up costs
     * one probe. What was committed by counting the lost acknowledgements stays committed though one replica fewer
     * holds it: the follower's vote fence keeps it out of elections until it holds those entries again (constructor).
     * A follower that kept its storage never sends this: within one term its log never shrinks below what it
     * acknowledged (it acknowledges only durable entries, and the one leader of the term never conflicts with them).
     */
    private void forgetLostEntries(int followerId, Progress follower, long followerLastIndex) {
        if (followerLastIndex >= follower.matchIndex || follower.state == Progress.State.SNAPSHOT) return;
        follower.matchIndex = followerLastIndex;
        follower.becomeProbe();
        sendAppend(followerId, follower);
    }

    private void handleHeartbeatResponse(HeartbeatResponse response) {
        if (role != Role.LEADER) return;
        Progress follower = progress.get(response.from());
        if (follower == null) return;
        follower.recentlyActive = true;
        follower.readRoundAcked = Math.max(follower.readRoundAcked, response.readRound());
        releaseReads();
        if (follower.matchIndex < log.lastIndex()) {
            switch (follower.state) {
                case PROBE -> follower.probeSent = false; // the follower is reachable: probe again
                case REPLICATE -> {
                    // Appends went unanswered for two heartbeat intervals though heartbeats get through:
                    // one was lost. Fall back to probing from the last known match.
                    if (!follower.inflightLastIndices.isEmpty()
                            && follower.ticksSinceAppendResponse >= 2 * config.heartbeatIntervalTicks()) {
                        follower.becomeProbe();
                    }
                }
                case SNAPSHOT -> {
                    if (follower.ticksSinceSnapshotSent >= config.electionTimeoutMinTicks()) follower.becomeProbe();
                }
            }
            sendAppendIfNeeded(response.from(), follower);
        }
    }

    // ---------------------------------------------------------------- roles

    private void becomeFollower(long newTerm, int newLeaderId) {
        if (newTerm < term) throw new IllegalStateException("term cannot go back from " + term + " to " + newTerm);
        if (newTerm > term) {
            term = newTerm;
            votedFor = HardState.NO_VOTE;
        }
        failPendingReads();
        role = Role.FOLLOWER;
        leaderId = newLeaderId;
        resetRoleState();
        roleChanges.add(new RoleChange(role, term, leaderId));
    }

    private void becomePreCandidate() {
        if (role == Role.LEADER) throw new IllegalStateException("a leader cannot become a pre-candidate");
        role = Role.PRE_CANDIDATE;
        leaderId = 0;
        resetRoleState();
        roleChanges.add(new RoleChange(role, term, 0));
        votes.put(selfId, true);
        if (votes.size() >= config.quorum()) {
            becomeCandidate(false);
            return;
        }
        for (int peerId : peerIds) {
            send(messagesNow, new VoteRequest(selfId, peerId, term + 1, log.lastIndex(), log.lastTerm(), true, false));
        }
    }

    private void becomeCandidate(boolean transfer) {
        if (role == Role.LEADER) throw new IllegalStateException("a leader cannot become a candidate");
        term++;
        votedFor = selfId;
        role = Role.CANDIDATE;
        leaderId = 0;
        resetRoleState();
        roleChanges.add(new RoleChange(role, term, 0));
        if (peerIds.isEmpty()) {
            votes.put(selfId, true); // alone: no other server can be given a vote of this term
            becomeLeader();
            return;
        }
        // The requests leave at once, while our new term and vote are being written: the vote round trip and the
        // peers' fsyncs overlap ours. What must wait is leading: only once our term and vote are durable
        // (persisted()) do we count our own vote or take office, even if the peers' votes alone make a majority.
        // Otherwise a crash could forget the term; restarted in the old term, we could campaign for this term
        // again, be granted the same votes (they are ours already) and lead it a second time with a different
        // log, or vote for another candidate in it (§5.2, Figure 2: persist before acting on it).
        candidateVoteDurable = mutation == Mutation.SELF_VOTE_BEFORE_PERSIST;
        if (candidateVoteDurable) votes.put(selfId, true);
        for (int peerId : peerIds) {
            send(messagesNow, new VoteRequest(selfId, peerId, term, log.lastIndex(), log.lastTerm(), false, transfer));
        }
    }

    private void becomeLeader() {
        if (role != Role.CANDIDATE) throw new IllegalStateException("only a candidate can become leader, not a " + role);
        role = Role.LEADER;
        leaderId = selfId;
        resetRoleState();
        roleChanges.add(new RoleChange(role, term, selfId));
        for (int peerId : peerIds) {
            Progress follower = new Progress(log.lastIndex() + 1);
            follower.recentlyActive = true;
            progress.put(peerId, follower);
        }
        // §8: a no-op at the start of the term lets the leader commit earlier terms' entries (§5.4.2) and
        // learn the commit index it needs to serve reads.
        log.append(Entry.noop(log.lastIndex() + 1, term));
        appendPending = true;
        if (peerIds.isEmpty()) maybeCommit();
    }

    private void resetRoleState() {
        preVotesIgnoredInLease.clear();
        electionElapsedTicks = 0;
        heartbeatElapsedTicks = 0;
        votes.clear();
        progress.clear();
        transferTargetId = 0;
        appendPending = false;
        resetRandomizedElectionTimeout();
    }

    private void campaignOrPreVote() {
        if (config.preVote()) becomePreCandidate();
        else becomeCandidate(false);
    }

    private void resetRandomizedElectionTimeout() {
        // §5.2: randomized timeouts make split votes rare.
        randomizedElectionTimeoutTicks = config.electionTimeoutMinTicks()
                + random.nextInt(config.electionTimeoutMaxTicks() - config.electionTimeoutMinTicks());
    }

    private void acceptLeader(int id) {
        // The leader is alive: what was ignored because of its lease stays ignored.
        if (!preVotesIgnoredInLease.isEmpty()) preVotesIgnoredInLease.clear();
        if (role == Role.LEADER) throw new IllegalStateException("two leaders in term " + term + ": " + selfId + " and " + id);
        if (role != Role.FOLLOWER) becomeFollower(term, id); // §5.2: a candidate yields to a leader of its term
        if (leaderId != id) {
            leaderId = id;
            roleChanges.add(new RoleChange(role, term, leaderId));
        }
        electionElapsedTicks = 0;
    }

    /** A rebuilt node whose log has not yet reached its vote fence: it takes no part in elections (constructor). */
    private boolean belowVoteFence() {
        return log.lastIndex() < voteFenceIndex && mutation != Mutation.IGNORE_VOTE_FENCE;
    }

    /** A live leader, or a follower that heard from one within the minimum election timeout. */
    private boolean inLease() {
        if (!config.checkQuorum()) return false; // without check-quorum a lost leader would never yield
        return role == Role.LEADER
                || (role == Role.FOLLOWER && leaderId != 0 && electionElapsedTicks < config.electionTimeoutMinTicks());
    }

    // ---------------------------------------------------------------- replication

    private void sendAppendIfNeeded(int followerId, Progress follower) {
        if (follower.nextIndex <= log.lastIndex() && !follower.isPaused(config.maxInflightAppends())) {
            sendAppend(followerId, follower);
        }
    }

    private void sendAppend(int followerId, Progress follower) {
        long prevIndex = follower.nextIndex - 1;
        long prevTerm = log.term(prevIndex);
        if (prevTerm < 0 || follower.nextIndex < log.firstIndex()) {
            sendSnapshot(followerId, follower);
            return;
        }
        List<Entry> entries = log.slice(follower.nextIndex, config.maxEntriesPerAppend(), config.maxBytesPerAppend());
        send(messagesNow, new AppendRequest(selfId, followerId, term, prevIndex, prevTerm, entries, commitIndex));
        switch (follower.state) {
            case PROBE -> follower.probeSent = true;
            case REPLICATE -> {
                if (!entries.isEmpty()) {
                    long last = entries.get(entries.size() - 1).index();
                    follower.nextIndex = last + 1;
                    follower.inflightLastIndices.addLast(last);
                }
            }
            case SNAPSHOT -> throw new IllegalStateException("append to a follower awaiting a snapshot");
        }
    }

    private void sendSnapshot(int followerId, Progress follower) {
        Snapshot snapshot = log.snapshot();
        follower.becomeSnapshot(snapshot.lastIndex());
        send(messagesNow, new SnapshotRequest(selfId, followerId, term, snapshot));
    }

    private void broadcastAppend() {
        for (int peerId : peerIds) sendAppendIfNeeded(peerId, progress.get(peerId));
    }

    private void broadcastHeartbeat() {
        long round = reads.nextRound();
        for (int peerId : peerIds) {
            Progress follower = progress.get(peerId);
            send(messagesNow, new Heartbeat(selfId, peerId, term, Math.min(follower.matchIndex, commitIndex), round));
        }
    }

    /** §5.3/§5.4.2: commit the highest index stored on a majority, but only by counting an entry of this term. */
    private void maybeCommit() {
        long[] matches = new long[peerIds.size() + 1];
        int i = 0;
        matches[i++] = log.stableIndex(); // the leader counts itself only for what it has made durable
        for (Progress follower : progress.values()) matches[i++] = follower.matchIndex;
        Arrays.sort(matches);
        long majorityIndex = matches[matches.length - config.quorum()];
        boolean ownTerm = log.term(majorityIndex) == term || mutation == Mutation.COMMIT_PREVIOUS_TERM_BY_COUNTING;
        if (majorityIndex > commitIndex && ownTerm) {
            boolean firstInTerm = !committedInCurrentTerm();
            commitIndex = majorityIndex;
            if (firstInTerm) {
                reads.commitIndexKnown(commitIndex);
                if (peerIds.isEmpty()) releaseReads();
            }
        }
    }

    private boolean committedInCurrentTerm() {
        return log.term(commitIndex) == term;
    }

    private void advanceCommit(long index) {
        if (index > commitIndex) commitIndex = index;
    }

    private boolean quorumRecentlyActive() {
        long active = 1 + progress.values().stream().filter(p -> p.recentlyActive).count();
        return active >= config.quorum();
    }

    private void releaseReads() {
        long[] rounds = new long[peerIds.size() + 1];
        int i = 0;
        rounds[i++] = Long.MAX_VALUE; // the leader always agrees with itself
        for (Progress follower : progress.values()) rounds[i++] = follower.readRoundAcked;
        Arrays.sort(rounds);
        long quorumRound = rounds[rounds.length - config.quorum()];
        readStates.addAll(reads.release(quorumRound));
    }

    private void failPendingReads() {
        failedReads.addAll(reads.clear());
    }

    private void send(List<Message> queue, Message message) {
        queue.add(message);
    }

    // ---------------------------------------------------------------- output

    public boolean hasReady() {
        return appendPending || (role == Role.LEADER && reads.heartbeatWanted() && !peerIds.isEmpty()) || pendingSnapshot != null || log.hasUnpersisted() || !hardState().equals(lastEmittedHardState)
                || !messagesNow.isEmpty() || !messagesAfterPersist.isEmpty() || !readStates.isEmpty()
                || !failedReads.isEmpty() || !roleChanges.isEmpty() || appliedIndex < applicableIndex();
    }

    /** Everything produced since the last call. See {@link Ready} for the order in which to handle it. */
    public Ready ready() {
        if (role == Role.LEADER) {
            if (appendPending) broadcastAppend();
            // One heartbeat round confirms every read that arrived since the last one (batching, §6.4).
            if (reads.heartbeatWanted() && !peerIds.isEmpty()) broadcastHeartbeat();
        }
        appendPending = false;
        HardState hardState = hardState();
        HardState changed = hardState.equals(lastEmittedHardState) ? null : hardState;
        lastEmittedHardState = hardState;
        List<Entry> committed = List.of();
        long applicable = applicableIndex();
        if (appliedIndex < applicable) {
            long last = Math.min(applicable, appliedIndex + config.maxEntriesPerApply());
            committed = log.slice(appliedIndex + 1, (int) (last - appliedIndex), Long.MAX_VALUE);
            appliedIndex = last;
        }
        Ready ready = new Ready(changed, log.takeUnpersisted(), pendingSnapshot, messagesNow, messagesAfterPersist,
                committed, readStates, failedReads, roleChanges);
        pendingSnapshot = null;
        messagesNow.clear();
        messagesAfterPersist.clear();
        readStates.clear();
        failedReads.clear();
        roleChanges.clear();
        return ready;
    }

    /** Committed entries may be applied once they are durable here too. */
    private long applicableIndex() {
        return Math.min(commitIndex, log.stableIndex());
    }

    /** The runtime made {@code ready}'s hard state, snapshot and entries durable. Call in production order. */
    public void persisted(Ready ready) {
        if (ready.snapshot() != null) log.markSnapshotStable(ready.snapshot());
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().get(ready.entries().size() - 1);
            if (log.markStable(last.index(), last.term()) && role == Role.LEADER) maybeCommit();
        }
        HardState written = ready.hardState();
        if (role == Role.CANDIDATE && written != null && written.term() == term && written.votedFor() == selfId) {
            candidateVoteDurable = true; // our term and vote are durable now (see becomeCandidate)
            countVote(selfId, true);
        }
    }

    // ---------------------------------------------------------------- queries (runtime, tests, status)

    public HardState hardState() {
        return new HardState(term, votedFor);
    }

    public int nodeId() {
        return selfId;
    }

    public Role role() {
        return role;
    }

    public long term() {
        return term;
    }

    public int leaderId() {
        return leaderId;
    }

    public int votedFor() {
        return votedFor;
    }

    public long commitIndex() {
        return commitIndex;
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public long lastTerm() {
        return log.lastTerm();
    }

    public long firstIndex() {
        return log.firstIndex();
    }

    public long stableIndex() {
        return log.stableIndex();
    }

    /** Term of the entry at {@code index}: 0 beyond the log, -1 if compacted. */
    public long termAt(long index) {
        return log.term(index);
    }

    public Entry entryAt(long index) {
        return log.entry(index);
    }

    public Snapshot snapshot() {
        return log.snapshot();
    }

    /** Bytes of the entries held in memory after the snapshot ({@link Entry#sizeBytes()} each). */
    public long logBytes() {
        return log.bytes();
    }

    /** Bytes of the held entries in {@code [fromIndex, toIndex]}, clamped to the log. */
    public long logBytesBetween(long fromIndex, long toIndex) {
        return log.bytesBetween(fromIndex, toIndex);
    }

    /** As leader, each follower's replication state (Figure 2's matchIndex and nextIndex); empty otherwise. */
    public List<FollowerProgress> followerProgress() {
        List<FollowerProgress> out = new ArrayList<>(progress.size());
        for (Map.Entry<Integer, Progress> e : progress.entrySet()) {
            Progress p = e.getValue();
            out.add(new FollowerProgress(e.getKey(), p.matchIndex, p.nextIndex, p.state.name(),
                    p.state == Progress.State.SNAPSHOT ? p.pendingSnapshotIndex : 0));
        }
        return out;
    }

    public RaftConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "RaftCore{" + selfId + " " + role + " term=" + term + " leader=" + leaderId + " commit=" + commitIndex
                + " last=" + log.lastIndex() + " stable=" + log.stableIndex() + " progress=" + progress + "}";
    }
}
