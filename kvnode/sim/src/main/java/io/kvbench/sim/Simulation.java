package io.kvbench.sim;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.ProposedCommand;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Message;
import io.kvbench.raft.ProposeResult;
import io.kvbench.raft.RaftConfig;
import io.kvbench.raft.Ready;
import io.kvbench.raft.ReadState;
import io.kvbench.raft.Role;
import io.kvbench.raft.RoleChange;
import io.kvbench.wal.HardStateDamagedException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Deterministic simulation of a cluster of cores in one thread (TigerBeetle's VOPR, FoundationDB's simulator):
 * a seeded network that drops, delays, duplicates, reorders and partitions; crashes that lose what was not
 * persisted; clients with retries; and the invariants of {@link InvariantChecker} checked after every event.
 * The seed is the only source of randomness, so a failing seed replays exactly.
 */
public final class Simulation {
    /** Virtual time units per tick. */
    public static final long TICK = 1000;
    /** Timeouts for the simulated cluster, in ticks (small, so a run covers many elections). */
    static final int ELECTION_MIN_TICKS = 10;
    static final int ELECTION_MAX_TICKS = 20;
    static final int HEARTBEAT_TICKS = 3;
    static final int LEADER_LOST_MAX_TICKS = 3;

    private final SimOptions options;
    private final Random random;
    private final List<SimNode> nodes = new ArrayList<>();
    private final List<SimClient> clients = new ArrayList<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final InvariantChecker checker;
    private long now;
    private long eventSequence;
    private long eventCount;
    /** Directed links that are cut: from * 100 + to. */
    private final Set<Integer> cutLinks = new HashSet<>();
    /** Latest scheduled delivery per directed link (from * 100 + to). */
    private final Map<Integer, Long> lastDeliveryTime = new TreeMap<>();
    private double dropProbability;
    private double duplicateProbability;
    private boolean healed;
    /** A disk stall: fsyncs take up to four ticks, widening every window between write and durability. */
    private boolean slowDisk;
    private long requestIds;
    private final TreeMap<Integer, Long> crashedAt = new TreeMap<>();
    /** Nodes rebuilt after losing their storage. */
    private long rebuilds;
    /** For failover measurements: when the first leader of a term above {@link #watchTerm} appeared. */
    private long watchTerm = Long.MAX_VALUE;
    private long newLeaderTime = -1;

    public Simulation(SimOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
        this.checker = new InvariantChecker(this);
        List<Integer> ids = IntStream.rangeClosed(1, options.nodeCount()).boxed().toList();
        for (int id : ids) {
            RaftConfig config = RaftConfig.defaults(id, ids)
                    .withTimeouts(ELECTION_MIN_TICKS, ELECTION_MAX_TICKS, HEARTBEAT_TICKS, LEADER_LOST_MAX_TICKS)
                    .withAppendBounds(8, 4096, 4);
            nodes.add(new SimNode(id, config, options.seed() * 1_000_003L + id, options.mutation()));
        }
        for (int i = 0; i < options.clientCount(); i++) clients.add(new SimClient(i, random));
    }

    /** Runs the fault phase, heals, checks liveness and the final state. */
    public SimResult run() {
        for (SimNode node : nodes) schedule(random.nextInt((int) TICK), new Event.Tick(node.id, node.incarnation));
        for (SimClient client : clients) schedule(TICK * (1 + random.nextInt(20)), new Event.ClientWake(client.index));
        scheduleNextFault(TICK * 20);
        long healTime = options.faultPhaseTicks() * TICK;
        schedule(healTime, new Event.Heal());
        long deadline = healTime + options.livenessBoundTicks() * TICK;
        try {
            while (!events.isEmpty() && checker.violations().isEmpty()) {
                Event event = events.poll();
                if (event.time() > deadline) break;
                now = event.time();
                eventCount++;
                handle(event);
                checker.afterEvent();
                if (healed && quiescent()) break;
            }
            if (checker.violations().isEmpty()) checker.atEnd(quiescent());
        } catch (RuntimeException e) {
            checker.fail("exception", e + " at " + e.getStackTrace()[0]);
        }
        return new SimResult(options, checker.violations(), eventCount, checker.acknowledgedWrites(),
                checker.readsServed(), checker.leaderChanges(), checker.maxTerm(), finalCommitIndex(), rebuilds);
    }

    /**
     * Failover timing: let a cluster settle, crash the leader at a random point in the heartbeat interval
     * (the Raft paper's method, §9.3), and return how many ticks passed until a new leader was elected.
     */
    public double measureFailoverTicks() {
        for (SimNode node : nodes) schedule(random.nextInt((int) TICK), new Event.Tick(node.id, node.incarnation));
        long settleUntil = 60 * TICK;
        while (!events.isEmpty() && events.peek().time() <= settleUntil) step();
        SimNode leader = currentLeader();
        if (leader == null) throw new IllegalStateException("no leader after settling, seed " + options.seed());
        long crashTime = settleUntil + random.nextInt((int) (HEARTBEAT_TICKS * TICK));
        while (!events.isEmpty() && events.peek().time() <= crashTime) step();
        now = crashTime;
        watchTerm = leader.core.term();
        crash(leader);
        long deadline = crashTime + 50L * ELECTION_MAX_TICKS * TICK;
        while (!events.isEmpty() && newLeaderTime < 0 && events.peek().time() <= deadline) step();
        if (!checker.violations().isEmpty()) throw new IllegalStateException(checker.violations().get(0).toString());
        if (newLeaderTime < 0) throw new IllegalStateException("no new leader within bound, seed " + options.seed());
        return (newLeaderTime - crashTime) / (double) TICK;
    }

    private void step() {
        Event event = events.poll();
        now = event.time();
        eventCount++;
        handle(event);
        checker.afterEvent();
    }

    // ---------------------------------------------------------------- events

    private void handle(Event scheduled) {
        Event.Kind event = scheduled.kind();
        if (event instanceof Event.Tick tick) {
            SimNode node = node(tick.nodeId());
            if (!node.up || node.incarnation != tick.incarnation()) return;
            node.core.tick();
            drain(node);
            schedule(TICK, new Event.Tick(node.id, node.incarnation));
        } else if (event instanceof Event.Deliver deliver) {
            SimNode node = node(deliver.message().to());
            if (!node.up) return;
            node.core.step(deliver.message());
            drain(node);
        } else if (event instanceof Event.PersistDone done) {
            SimNode node = node(done.nodeId());
            if (!node.up || node.incarnation != done.incarnation()) return;
            completePersist(node);
            drain(node);
        } else if (event instanceof Event.Hint hint) {
            SimNode node = node(hint.nodeId());
            if (!node.up || node.incarnation != hint.incarnation()) return;
            trace(() -> "hint to " + hint.nodeId() + ": connection to " + hint.peerId() + " closed; " + node.core);
            node.core.peerDisconnected(hint.peerId());
            drain(node);
        } else if (event instanceof Event.ClientWake wake) {
            clientWake(clients.get(wake.clientIndex()));
        } else if (event instanceof Event.ClientRequest request) {
            serveClient(request);
        } else if (event instanceof Event.ClientReply reply) {
            clientReceive(reply);
        } else if (event instanceof Event.Fault) {
            injectFault();
        } else if (event instanceof Event.Restart restart) {
            restart(node(restart.nodeId()));
        } else if (event instanceof Event.Heal) {
            heal();
        }
    }

    private void schedule(long delay, Event.Kind kind) {
        events.add(new Event(now + delay, eventSequence++, kind));
    }

    // ---------------------------------------------------------------- the runtime's part

    /** Handle every Ready in the prescribed order: send now, persist, send after persist, apply. */
    private void drain(SimNode node) {
        while (node.up && node.core.hasReady()) {
            Ready ready = node.core.ready();
            for (RoleChange change : ready.roleChanges()) onRoleChange(node, change);
            for (Message message : ready.messagesNow()) send(message);
            if (ready.snapshot() != null) {
                node.stateMachine = io.kvbench.kv.KvStateMachine.restore(ready.snapshot().data());
                node.lastCompactionIndex = ready.snapshot().lastIndex();
            }
            boolean queued = !node.persistQueue.isEmpty();
            if (ready.mustPersist() || queued) {
                node.persistQueue.addLast(ready);
                if (ready.mustPersist()) {
                    long fsyncDelay = TICK / 20 + random.nextInt((int) (slowDisk ? 4 * TICK : TICK / 2));
                    node.lastPersistDoneTime = Math.max(node.lastPersistDoneTime, now) + fsyncDelay;
                    events.add(new Event(node.lastPersistDoneTime, eventSequence++,
                            new Event.PersistDone(node.id, node.incarnation)));
                }
            } else {
                for (Message message : ready.messagesAfterPersist()) send(message);
                node.core.persisted(ready);
            }
            apply(node, ready);
            checker.afterDrain(node);
        }
    }

    private void completePersist(SimNode node) {
        // Complete the oldest persisting Ready, then any queued behind it that had nothing to persist.
        Ready done = node.persistQueue.pollFirst();
        finishPersist(node, done);
        while (!node.persistQueue.isEmpty() && !node.persistQueue.peekFirst().mustPersist()) {
            finishPersist(node, node.persistQueue.pollFirst());
        }
    }

    private void finishPersist(SimNode node, Ready ready) {
        node.makeDurable(ready);
        for (Message message : ready.messagesAfterPersist()) send(message);
        node.core.persisted(ready);
    }

    private void apply(SimNode node, Ready ready) {
        for (Entry entry : ready.committedEntries()) {
            KvResult result = null;
            if (SimNode.isCommand(entry)) {
                long writesBefore = node.stateMachine.appliedWrites();
                result = node.stateMachine.apply(entry.index(), entry.data());
                checker.onApplied(node, entry, node.stateMachine.appliedWrites() > writesBefore);
            } else {
                node.stateMachine.applyNoop(entry.index());
                checker.onApplied(node, entry, false);
            }
            SimNode.PendingProposal pending = node.pendingProposals.remove(entry.index());
            if (pending != null) {
                boolean same = pending.term() == entry.term();
                reply(node, pending.clientIndex(), pending.requestId(), same ? new Outcome.Ok(result, entry.index()) : new Outcome.Retry(0));
            }
        }
        for (ReadState readState : ready.readStates()) {
            SimNode.PendingRead read = node.pendingReads.remove(readState.requestId());
            if (read != null) node.confirmedReads.add(new SimNode.ConfirmedRead(read, readState.readIndex()));
        }
        for (long failed : ready.failedReads()) {
            SimNode.PendingRead read = node.pendingReads.remove(failed);
            if (read != null) reply(node, read.clientIndex(), read.requestId(), new Outcome.Retry(node.core.leaderId()));
        }
        serveConfirmedReads(node);
        node.maybeCompact();
    }

    private void serveConfirmedReads(SimNode node) {
        var iterator = node.confirmedReads.iterator();
        while (iterator.hasNext()) {
            SimNode.ConfirmedRead confirmed = iterator.next();
            if (node.stateMachine.lastAppliedIndex() < confirmed.readIndex()) continue;
            iterator.remove();
            checker.onReadServed(node, confirmed.read(), confirmed.readIndex());
            byte[] value = node.stateMachine.read(confirmed.read().key()).orElse(null);
            reply(node, confirmed.read().clientIndex(), confirmed.read().requestId(),
                    new Outcome.Ok(new KvResult.Value(value), confirmed.readIndex()));
        }
    }

    private void onRoleChange(SimNode node, RoleChange change) {
        trace(() -> "node " + node.id + " -> " + change);
        checker.onRoleChange(node, change);
        if (change.role() == Role.LEADER && change.term() > watchTerm && newLeaderTime < 0) newLeaderTime = now;
        if (change.role() != Role.LEADER) {
            // Lost leadership: pending proposals may or may not commit; tell clients to retry elsewhere.
            for (SimNode.PendingProposal pending : node.pendingProposals.values()) {
                reply(node, pending.clientIndex(), pending.requestId(), new Outcome.Retry(change.leaderId()));
            }
            node.pendingProposals.clear();
        }
    }

    /** With {@code -Dsim.trace=true}, a replayed seed narrates its run. */
    private static final boolean TRACE = Boolean.getBoolean("sim.trace");

    private void trace(java.util.function.Supplier<String> line) {
        if (TRACE) System.out.printf("[%8.2f] %s%n", now / (double) TICK, line.get());
    }

    // ---------------------------------------------------------------- network

    private void send(Message message) {
        checker.onSend(node(message.from()), message);
        if (cutLinks.contains(message.from() * 100 + message.to())) return;
        if (random.nextDouble() < dropProbability) return;
        deliverLater(message);
        if (random.nextDouble() < duplicateProbability) deliverLater(message);
    }

    private void deliverLater(Message message) {
        // Random delay: later messages often overtake earlier ones (reordering).
        long delay = TICK / 10 + random.nextInt((int) (TICK * (healed ? 1 : 2)));
        schedule(delay, new Event.Deliver(message));
        lastDeliveryTime.merge(message.from() * 100 + message.to(), now + delay, Math::max);
    }

    // ---------------------------------------------------------------- clients

    private void clientWake(SimClient client) {
        if (client.awaiting != null) {
            // Timed out: retry the same operation (same client id and sequence number) on another node.
            if (now - client.sentAt < SimClient.TIMEOUT_TICKS * TICK) return;
            client.targetId = 1 + random.nextInt(nodes.size());
            sendRequest(client);
            return;
        }
        if (healed && client.clientId != 0) return; // no new operations after healing; finish what is pending
        client.awaiting = client.nextOperation(random, healed);
        if (client.awaiting == null) return;
        client.invokeTime = now;
        client.maxAckedIndexAtInvoke = checker.maxAcknowledgedIndex();
        sendRequest(client);
    }

    private void sendRequest(SimClient client) {
        client.sentAt = now;
        client.requestId = ++requestIds;
        if (client.targetId == 0) client.targetId = 1 + random.nextInt(nodes.size());
        if (random.nextDouble() >= dropProbability) {
            schedule(TICK / 10 + random.nextInt((int) TICK), new Event.ClientRequest(client.index, client.targetId, client.requestId));
        }
        schedule(SimClient.TIMEOUT_TICKS * TICK, new Event.ClientWake(client.index));
    }

    private void serveClient(Event.ClientRequest request) {
        SimNode node = node(request.nodeId());
        SimClient client = clients.get(request.clientIndex());
        if (!node.up || client.requestId != request.requestId() || client.awaiting == null) return;
        KvCommand command = client.awaiting;
        if (command instanceof KvCommand.Get get) {
            ProposeResult result = node.core.readIndex(request.requestId());
            if (result instanceof ProposeResult.Accepted) {
                node.pendingReads.put(request.requestId(), new SimNode.PendingRead(client.index, request.requestId(),
                        get.key(), client.invokeTime, client.maxAckedIndexAtInvoke));
            } else {
                reply(node, client.index, request.requestId(), new Outcome.Retry(leaderHint(result)));
            }
        } else {
            byte[] data = KvCommandCodec.encode(command, now / TICK);
            ProposeResult result = node.core.propose(data);
            if (result instanceof ProposeResult.Accepted accepted) {
                node.pendingProposals.put(accepted.index(), new SimNode.PendingProposal(client.index, request.requestId(), accepted.term()));
            } else {
                reply(node, client.index, request.requestId(), new Outcome.Retry(leaderHint(result)));
            }
        }
        drain(node);
    }

    private static int leaderHint(ProposeResult result) {
        return result instanceof ProposeResult.NotLeader notLeader ? notLeader.leaderHint() : 0;
    }

    private void reply(SimNode from, int clientIndex, long requestId, Outcome outcome) {
        if (random.nextDouble() < dropProbability) return;
        schedule(TICK / 10 + random.nextInt((int) TICK), new Event.ClientReply(clientIndex, requestId, from.id, outcome));
    }

    private void clientReceive(Event.ClientReply reply) {
        SimClient client = clients.get(reply.clientIndex());
        if (client.requestId != reply.requestId() || client.awaiting == null) return;
        if (reply.outcome() instanceof Outcome.Retry retry) {
            client.targetId = retry.leaderHint() != 0 ? retry.leaderHint() : 1 + random.nextInt(nodes.size());
            schedule(TICK / 2, new Event.ClientWake(client.index));
            client.sentAt = Long.MIN_VALUE / 2; // let the wake resend at once
            return;
        }
        Outcome.Ok ok = (Outcome.Ok) reply.outcome();
        checker.onClientAcknowledged(client, ok);
        client.complete(ok.result());
        schedule(TICK / 2 + random.nextInt((int) (2 * TICK)), new Event.ClientWake(client.index));
    }

    // ---------------------------------------------------------------- faults

    private void scheduleNextFault(long delay) {
        if (options.faults() == FaultMix.CALM && !options.connectionClosedHint()) return;
        schedule(delay, new Event.Fault());
    }

    private void injectFault() {
        if (healed) return;
        FaultMix mix = options.faults();
        if (mix.lossy) {
            dropProbability = random.nextInt(4) == 0 ? 0 : random.nextDouble() * 0.15;
            duplicateProbability = random.nextDouble() * 0.05;
        }
        List<Runnable> choices = new ArrayList<>();
        if (mix.crashes) {
            choices.add(() -> crashSomeone(true));
            choices.add(() -> crashSomeone(false));
            choices.add(this::powerFailure);
            choices.add(() -> slowDisk = !slowDisk);
            if (options.storageFaults()) {
                choices.add(this::loseSomeonesStorage);
                choices.add(this::damageAStoppedNodesHardState);
            }
        }
        if (mix.partitions) {
            choices.add(this::isolateSomeone);
            choices.add(this::cutOneWay);
            choices.add(cutLinks::clear);
        }
        if (mix == FaultMix.CALM) choices.add(this::flapLeaderConnection);
        if (!choices.isEmpty()) choices.get(random.nextInt(choices.size())).run();
        scheduleNextFault(TICK * (10 + random.nextInt(50)));
    }

    private void crashSomeone(boolean preferLeader) {
        SimNode leader = currentLeader();
        SimNode victim = preferLeader && leader != null ? leader : nodes.get(random.nextInt(nodes.size()));
        if (!victim.up) return;
        crash(victim);
        schedule(TICK * (5 + random.nextInt(60)), new Event.Restart(victim.id));
    }

    private void crash(SimNode victim) {
        trace(() -> "crash " + victim.id);
        victim.crash(random);
        crashedAt.put(victim.id, now);
        checker.onCrash(victim);
        if (!options.connectionClosedHint()) return;
        // kill -9 closes the victim's sockets: its peers see the connection close almost at once.
        // TCP delivers what the victim had already sent before the peer sees the connection close.
        for (SimNode peer : nodes) {
            if (peer != victim && peer.up) {
                long closeSeenAt = Math.max(now + random.nextInt((int) (TICK / 2)),
                        lastDeliveryTime.getOrDefault(victim.id * 100 + peer.id, 0L) + 1);
                events.add(new Event(closeSeenAt, eventSequence++, new Event.Hint(peer.id, peer.incarnation, victim.id)));
            }
        }
    }

    /**
     * A node's disk dies: it crashes and comes back only once rebuilt ({@link #restart}). One at a time: a second
     * loss waits until no node is lost or below its vote fence, as the operator's procedure assumes (a majority
     * that kept its storage; docs/storage-recovery.md).
     */
    private void loseSomeonesStorage() {
        if (!everyNodeHoldsItsStorage()) return;
        SimNode victim = switch (random.nextInt(3)) {
            case 0 -> currentLeader();
            case 1 -> mostUpToDateFollower(); // the likeliest to hold a committed entry few others hold
            default -> nodes.get(random.nextInt(nodes.size()));
        };
        if (victim == null) return;
        if (victim.up) {
            crash(victim);
            schedule(TICK * (5 + random.nextInt(60)), new Event.Restart(victim.id));
        }
        victim.storageLost = true;
    }

    /** A bit flips in one hard state copy of a stopped node: it must restart with the newest durable term and vote. */
    private void damageAStoppedNodesHardState() {
        SimNode victim = nodes.get(random.nextInt(nodes.size()));
        if (!victim.up && !victim.storageLost && victim.hardStateCopiesIntact()) victim.damageOneHardStateCopy(random);
    }

    private SimNode mostUpToDateFollower() {
        SimNode leader = currentLeader();
        if (leader == null) return null;
        int followerId = leader.core.mostUpToDateFollower();
        return followerId == 0 ? null : node(followerId);
    }

    private boolean everyNodeHoldsItsStorage() {
        return nodes.stream().noneMatch(n -> n.storageLost || n.belowVoteFence());
    }

    /** Every node loses power at once: only what each had made durable survives. */
    private void powerFailure() {
        for (SimNode node : nodes) {
            if (node.up) {
                crash(node);
                schedule(TICK * (5 + random.nextInt(30)), new Event.Restart(node.id));
            }
        }
    }

    /** A connection blip while the leader lives: the hint must not cause an election (followers stay in lease). */
    private void flapLeaderConnection() {
        SimNode leader = currentLeader();
        if (leader == null) return;
        SimNode follower = nodes.get(random.nextInt(nodes.size()));
        if (follower == leader || !follower.up) return;
        schedule(0, new Event.Hint(follower.id, follower.incarnation, leader.id));
    }

    private void restart(SimNode node) {
        if (node.up) return;
        if (node.storageLost && !rebuild(node)) {
            schedule(TICK * 5, new Event.Restart(node.id)); // the operator waits for every other member
            return;
        }
        HardState durableBefore = node.durableHardState;
        try {
            node.restart();
        } catch (HardStateDamagedException e) {
            trace(() -> "node " + node.id + " refuses to start: " + e.getMessage());
            node.storageLost = true;
            schedule(TICK * 5, new Event.Restart(node.id));
            return;
        }
        checker.onRecoveredHardState(node, durableBefore);
        crashedAt.remove(node.id);
        checker.onRestart(node);
        schedule(random.nextInt((int) TICK), new Event.Tick(node.id, node.incarnation));
    }

    /**
     * {@code kvnode rebuild}: only when every other member is up (it reads their statuses) and none is itself lost
     * or below its fence. Messages the lost node sent before it died were delivered or dropped long before (at most
     * two ticks in flight; a restart comes five or more after the crash), as a real rebuild, minutes later, finds.
     */
    private boolean rebuild(SimNode node) {
        long highestTerm = 0;
        long highestLastIndex = 0;
        for (SimNode other : nodes) {
            if (other == node) continue;
            if (!other.up || other.storageLost || other.belowVoteFence()) return false;
            highestTerm = Math.max(highestTerm, other.core.term());
            highestLastIndex = Math.max(highestLastIndex, other.core.lastIndex());
        }
        long term = highestTerm;
        long fence = highestLastIndex;
        trace(() -> "rebuild " + node.id + ": term " + term + ", vote fence " + fence);
        node.rebuild(highestTerm, highestLastIndex);
        rebuilds++;
        return true;
    }

    private void isolateSomeone() {
        SimNode victim = random.nextBoolean() && currentLeader() != null ? currentLeader() : nodes.get(random.nextInt(nodes.size()));
        for (SimNode other : nodes) {
            if (other == victim) continue;
            cutLinks.add(victim.id * 100 + other.id);
            cutLinks.add(other.id * 100 + victim.id);
        }
    }

    private void cutOneWay() {
        int from = 1 + random.nextInt(nodes.size());
        int to = 1 + random.nextInt(nodes.size());
        if (from != to) cutLinks.add(from * 100 + to);
    }

    private void heal() {
        healed = true;
        cutLinks.clear();
        dropProbability = 0;
        duplicateProbability = 0;
        slowDisk = false;
        for (SimNode node : nodes) {
            if (!node.up && !node.storageLost) restart(node);
        }
        for (SimNode node : nodes) {
            if (!node.up) restart(node); // rebuilt once every other member is up
        }
        checker.onHeal();
    }

    // ---------------------------------------------------------------- queries for the checker

    /** Healed, a leader exists, every client is idle and every replica applied everything committed. */
    boolean quiescent() {
        if (!healed) return false;
        SimNode leader = currentLeader();
        if (leader == null) return false;
        if (clients.stream().anyMatch(c -> c.awaiting != null || c.clientId == 0)) return false;
        long commit = leader.core.commitIndex();
        if (leader.core.termAt(commit) != leader.core.term()) return false;
        return nodes.stream().allMatch(n -> n.up && n.stateMachine.lastAppliedIndex() >= commit && n.core.commitIndex() == commit);
    }

    SimNode currentLeader() {
        SimNode best = null;
        for (SimNode node : nodes) {
            if (node.up && node.core.role() == Role.LEADER && (best == null || node.core.term() > best.core.term())) best = node;
        }
        return best;
    }

    private long finalCommitIndex() {
        return nodes.stream().mapToLong(n -> n.core.commitIndex()).max().orElse(0);
    }

    List<SimNode> nodes() {
        return nodes;
    }

    List<SimClient> clients() {
        return clients;
    }

    long nowTicks() {
        return now / TICK;
    }

    SimNode node(int id) {
        return nodes.get(id - 1);
    }

    Map<Integer, Long> crashedAt() {
        return crashedAt;
    }

    SimOptions options() {
        return options;
    }

    /** What a node tells a client. */
    sealed interface Outcome {
        record Ok(KvResult result, long index) implements Outcome {
        }

        record Retry(int leaderHint) implements Outcome {
        }
    }

    static ProposedCommand decode(Entry entry) {
        return KvCommandCodec.decode(entry.data());
    }
}
