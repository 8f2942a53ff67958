package io.kvbench.sim;

import io.kvbench.driver.DeadlineTicks;
import io.kvbench.driver.DriverConfig;
import io.kvbench.driver.DriverObserver;
import io.kvbench.driver.TimeSource;
import io.kvbench.driver.WrittenSnapshot;
import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.kv.ProposedCommand;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.net.ClientRequest;
import io.kvbench.net.ClientResponse;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Message;
import io.kvbench.raft.RaftConfig;
import io.kvbench.raft.Role;
import io.kvbench.raft.RoleChange;
import io.kvbench.raft.Snapshot;
import io.kvbench.wal.HardStateDamagedException;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Deterministic simulation of a cluster in one thread (TigerBeetle's VOPR, FoundationDB's simulator). Each node runs
 * the production {@link io.kvbench.driver.ReplicaDriver}, the class the real node runs, bound to a seeded network
 * that drops, delays, duplicates, reorders and partitions, a virtual clock, and a {@link SimDisk} with the WAL's
 * group commit and its storage faults (slow fsync, crash between write and fsync, torn last record, a hard state
 * write torn in one copy, a failed fsync or snapshot write after which the node fail-stops and restarts later on the
 * same disk; with {@link SimOptions#storageFaults()} also a bit flipped in a stopped node's hard state and a node's
 * whole storage lost and rebuilt); clients send real client requests and retry; the invariants of
 * {@link InvariantChecker} are checked after every event and every reply. The seed is the only source of
 * randomness, so a failing seed replays exactly.
 */
public final class Simulation {
    /** Virtual time units per tick; a tick is a millisecond of the drivers' clock, a unit a microsecond. */
    public static final long TICK = 1000;
    /** Timeouts for the simulated cluster, in ticks (small, so a run covers many elections). */
    static final int ELECTION_MIN_TICKS = 10;
    static final int ELECTION_MAX_TICKS = 20;
    static final int HEARTBEAT_TICKS = 3;
    static final int LEADER_LOST_MAX_TICKS = 3;
    /** Take a snapshot and compact the log every this many applied entries, to exercise InstallSnapshot. */
    static final int SNAPSHOT_EVERY_ENTRIES = 60;
    /** The driver's bound on requests pending at one node (the node's is 65,536; four clients need far fewer). */
    static final int MAX_PENDING_REQUESTS = 1024;
    /** As the node's: requests held while no leader is known, at most the minimum election timeout. */
    static final int MAX_PARKED_REQUESTS = 4096;
    /**
     * Snapshots travel in chunks of this many bytes, at most {@link #SNAPSHOT_WINDOW_CHUNKS} unacknowledged (the node's
     * are 1 MiB and 4): a simulated state of a few kilobytes crosses in dozens of chunks, each lost, late, reordered
     * or damaged like any message.
     */
    static final int SNAPSHOT_CHUNK_BYTES = 64;
    static final int SNAPSHOT_WINDOW_CHUNKS = 3;
    /** On every second seed, snapshots are also due by applied bytes and the log's bytes are bounded (node: heap/16, /8). */
    static final long SNAPSHOT_EVERY_LOG_BYTES = 3000;
    static final long MAX_LOG_BYTES = 8000;
    /**
     * On every third seed the state has a quota, a different one on each node (node {@code id}: this plus 150 x id
     * bytes): writes are refused once the state is near it, and every replica must refuse the same ones, by the quota
     * the leader stamped on each, or the replicas' states would differ at the end.
     */
    static final long QUOTA_BASE_BYTES = 1300;
    /** In lossy fault mixes, the chance that a snapshot chunk arrives with a byte flipped (the follower's check fails). */
    static final double DAMAGED_CHUNK_PROBABILITY = 0.02;

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
    /** A disk stall (slow fsync): fsyncs take up to four ticks, widening every window between write and durability. */
    private boolean slowDisk;
    /**
     * Nodes whose own disk stalls while the others' do not (a noisy neighbour): a leader among them commits through
     * its followers before its own fsync returns, so it holds committed entries it cannot apply yet.
     */
    private final Set<Integer> slowDisks = new HashSet<>();
    private long requestIds;
    private final TreeMap<Integer, Long> crashedAt = new TreeMap<>();
    /** Nodes rebuilt after losing their storage. */
    private long rebuilds;
    /** The drivers' clock: virtual time. */
    private final TimeSource time = new TimeSource() {
        @Override
        public long nanoTime() {
            return TimeUnit.MICROSECONDS.toNanos(now);
        }

        @Override
        public long currentTimeMillis() {
            return now / TICK;
        }
    };
    /** For failover measurements: when the first leader of a term above {@link #watchTerm} appeared. */
    private long watchTerm = Long.MAX_VALUE;
    private long newLeaderTime = -1;

    public Simulation(SimOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
        this.checker = new InvariantChecker(this);
        List<Integer> ids = IntStream.rangeClosed(1, options.nodeCount()).boxed().toList();
        Map<Integer, InetSocketAddress> clientAddresses = new TreeMap<>();
        for (int id : ids) clientAddresses.put(id, InetSocketAddress.createUnresolved("node-" + id, 8000 + id));
        for (int id : ids) {
            boolean byteBounds = Math.floorMod(options.seed(), 2) == 0;
            RaftConfig config = RaftConfig.defaults(id, ids)
                    .withTimeouts(ELECTION_MIN_TICKS, ELECTION_MAX_TICKS, HEARTBEAT_TICKS, LEADER_LOST_MAX_TICKS)
                    .withAppendBounds(8, 4096, 4)
                    // Scaled down as the append bounds are (the node's is 4,096): a replica with a backlog applies it
                    // over several Readies, the node's path after a long partition or restart.
                    .withMaxEntriesPerApply(4)
                    .withMaxLogBytes(byteBounds ? MAX_LOG_BYTES : RaftConfig.DEFAULT_MAX_LOG_BYTES);
            long quota = Math.floorMod(options.seed(), 3) == 0 ? QUOTA_BASE_BYTES + 150L * id : 0;
            DriverConfig driverConfig = new DriverConfig(id, clientAddresses, options.connectionClosedHint(),
                    MAX_PENDING_REQUESTS, MAX_PARKED_REQUESTS, TimeUnit.MILLISECONDS.toNanos(ELECTION_MIN_TICKS),
                    SNAPSHOT_EVERY_ENTRIES)
                    .withByteLimits(byteBounds ? SNAPSHOT_EVERY_LOG_BYTES : Long.MAX_VALUE, quota)
                    .withSnapshotChunks(SNAPSHOT_CHUNK_BYTES, SNAPSHOT_WINDOW_CHUNKS)
                    .withAppendAcksPerTurn(options.appendAcksPerTurn());
            SimNode node = new SimNode(id, config, driverConfig, options.seed() * 1_000_003L + id, options.mutation(),
                    (snapshot, file) -> checker.onSnapshotStored(id, snapshot, file));
            nodes.add(node);
            try {
                start(node);
            } catch (HardStateDamagedException e) {
                throw new IllegalStateException("a new disk's hard state is damaged: " + e.getMessage(), e);
            }
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
                checker.readsServed(), checker.leaderChanges(), checker.maxTerm(), finalCommitIndex(),
                unsyncedRecordsLost(), tornRecords(), nodes.stream().mapToLong(n -> n.disk.failures()).sum(), rebuilds,
                nodes.stream().mapToLong(n -> n.disk.damagedHardStateRestarts()).sum(), checker.snapshotsReceived(),
                checker.quotaRefusals(), nodes.stream().mapToLong(n -> n.disk.damagedTransfers()).sum());
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
        watchTerm = leader.core().term();
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
            if (options.tickAtNextDeadline()) {
                onDeadlineTimer(node);
                return;
            }
            node.driver().tick();
            schedule(TICK, new Event.Tick(node.id, node.incarnation));
        } else if (event instanceof Event.Deliver deliver) {
            SimNode node = node(deliver.message().to());
            if (!node.up) return;
            beforeInput(node);
            node.driver().receive(deliver.message());
            node.driver().drain();
            afterInput(node);
        } else if (event instanceof Event.GroupCommitted committed) {
            SimNode node = node(committed.nodeId());
            if (!node.up || node.incarnation != committed.incarnation()) return;
            if (node.disk.failing()) {
                node.driver().storageFailed(node.disk.fail("fdatasync of node " + node.id + "'s log"));
                failStop(node);
                return;
            }
            beforeInput(node);
            for (int completed = node.disk.completeGroup(); completed > 0; completed--) node.driver().persisted();
            node.driver().drain();
            afterInput(node);
        } else if (event instanceof Event.SnapshotWritten written) {
            SimNode node = node(written.nodeId());
            if (!node.up || node.incarnation != written.incarnation()) return;
            if (node.disk.failing()) {
                node.driver().snapshotFailed(node.disk.fail("write of node " + node.id + "'s snapshot"));
                failStop(node);
                return;
            }
            beforeInput(node);
            node.driver().snapshotWritten(written.written());
            node.driver().drain();
            afterInput(node);
        } else if (event instanceof Event.SnapshotIoDone done) {
            SimNode node = node(done.nodeId());
            if (!node.up || node.incarnation != done.incarnation()) return;
            beforeInput(node);
            node.disk.completeSnapshotIo().accept(node.driver());
            node.driver().drain();
            afterInput(node);
        } else if (event instanceof Event.Hint hint) {
            SimNode node = node(hint.nodeId());
            if (!node.up || node.incarnation != hint.incarnation()) return;
            trace(() -> "hint to " + hint.nodeId() + ": connection to " + hint.peerId() + " closed; " + node.core());
            beforeInput(node);
            node.driver().peerDisconnected(hint.peerId());
            node.driver().drain();
            afterInput(node);
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

    // ---------------------------------------------------------------- the next-deadline timer (SimOptions)

    /**
     * A node's timer fired ({@code kvnode run --tick-timer next-deadline}): this incarnation's first tick event starts
     * its count; a later one counts the ticks due, unless a sooner timer replaced it. Then the timer is set for the
     * driver's next action, as NodeRuntime does, through the same {@link DeadlineTicks}.
     */
    private void onDeadlineTimer(SimNode node) {
        if (node.deadlineTicksIncarnation != node.incarnation) {
            node.deadlineTicks = new DeadlineTicks(TICK, now);
            node.deadlineTicksIncarnation = node.incarnation;
        } else {
            if (now != node.timerDue) return; // replaced by a sooner one
            node.deadlineTicks.countTicksDue(node.driver(), now);
        }
        node.timerDue = Long.MIN_VALUE;
        afterInput(node);
    }

    /** Before an input, a node on the next-deadline timer counts the ticks due: its lease is judged by them. */
    private void beforeInput(SimNode node) {
        if (options.tickAtNextDeadline() && node.deadlineTicksIncarnation == node.incarnation) {
            node.deadlineTicks.countTicksDue(node.driver(), now);
        }
    }

    /** After an input (or its timer), a node's timer fires no later than its driver's next action. */
    private void afterInput(SimNode node) {
        if (!options.tickAtNextDeadline() || node.deadlineTicksIncarnation != node.incarnation || !node.up) return;
        long due = node.deadlineTicks.nextActionNanos(node.driver());
        if (node.timerDue >= now && node.timerDue <= due) return; // the live timer fires by then
        node.timerDue = due;
        schedule(due - now, new Event.Tick(node.id, node.incarnation));
    }

    private void schedule(long delay, Event.Kind kind) {
        events.add(new Event(now + delay, eventSequence++, kind));
    }

    // ---------------------------------------------------------------- the node's bindings

    /**
     * Starts (or restarts) a node's driver, bound to this simulation's network, clock and the node's disk.
     *
     * @throws HardStateDamagedException when its disk's hard state cannot be trusted: it stays down
     */
    private void start(SimNode node) throws HardStateDamagedException {
        int incarnation = node.incarnation;
        node.start(this::send, time, observerFor(node), new SimDisk.Scheduler() {
            @Override
            public void groupStarted() {
                boolean slow = slowDisk || slowDisks.contains(node.id);
                long fsyncDelay = TICK / 20 + random.nextInt((int) (slow ? 4 * TICK : TICK / 2));
                schedule(fsyncDelay, new Event.GroupCommitted(node.id, incarnation));
            }

            @Override
            public void snapshotWriting(WrittenSnapshot written) {
                schedule(TICK / 10 + random.nextInt((int) TICK), new Event.SnapshotWritten(node.id, incarnation, written));
            }

            @Override
            public void snapshotIoStarted() {
                boolean slow = slowDisk || slowDisks.contains(node.id);
                schedule(TICK / 50 + random.nextInt((int) (slow ? TICK : TICK / 5)), new Event.SnapshotIoDone(node.id, incarnation));
            }
        });
    }

    /** What the checker hears from a node's driver. */
    private DriverObserver observerFor(SimNode node) {
        return new DriverObserver() {
            @Override
            public void roleChanged(RoleChange change) {
                trace(() -> "node " + node.id + " -> " + change);
                checker.onRoleChange(node, change);
                if (change.role() == Role.LEADER && change.term() > watchTerm && newLeaderTime < 0) newLeaderTime = now;
            }

            @Override
            public void readyHandled() {
                checker.afterDrain(node);
            }

            @Override
            public void entryApplied(Entry entry, KvResult result, boolean tookEffect) {
                checker.onApplied(node, entry, tookEffect);
            }

            @Override
            public void snapshotReceived(int leaderId, Snapshot snapshot, long totalBytes, long nanos) {
                trace(() -> "node " + node.id + " installs " + snapshot + " (" + totalBytes + " bytes) from " + leaderId);
                checker.onSnapshotReceived(node, snapshot);
            }

            @Override
            public void readServed(ClientReplyChannel channel, long readIndex) {
                SimReplyChannel read = (SimReplyChannel) channel;
                read.readIndex = readIndex;
                checker.onReadServed(node, read, readIndex);
            }
        };
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
        if (message instanceof Message.SnapshotChunk chunk && chunk.data().length > 0 && options.faults().lossy
                && !healed && random.nextDouble() < DAMAGED_CHUNK_PROBABILITY) {
            // Damaged on the way (no TCP checksum is perfect): the follower's check of the whole must catch it.
            byte[] damaged = chunk.data().clone();
            damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
            message = new Message.SnapshotChunk(chunk.from(), chunk.to(), chunk.term(), chunk.snapshot(),
                    chunk.totalBytes(), chunk.offset(), damaged);
        }
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

    /** The request reaches the node: a real client request, answered through the driver. */
    private void serveClient(Event.ClientRequest request) {
        SimNode node = node(request.nodeId());
        SimClient client = clients.get(request.clientIndex());
        if (!node.up || client.requestId != request.requestId() || client.awaiting == null) return;
        KvCommand command = client.awaiting;
        byte[] payload = KvCommandCodec.encode(command, 0); // the leader stamps its clock
        ClientRequest clientRequest = command instanceof KvCommand.Get
                ? ClientRequest.read(request.requestId(), payload)
                : ClientRequest.command(request.requestId(), payload);
        beforeInput(node);
        node.driver().clientRequest(clientRequest, new SimReplyChannel(node, client, request.requestId(), this::replySent),
                time.nanoTime());
        node.driver().drain();
        afterInput(node);
    }

    /** A driver answered: check the answer as it leaves, then let the network carry it (or lose it). */
    private void replySent(SimReplyChannel channel, ClientResponse response) {
        long ackIndex = checker.onReplySent(channel, response);
        if (random.nextDouble() < dropProbability) return;
        schedule(TICK / 10 + random.nextInt((int) TICK),
                new Event.ClientReply(channel.client.index, channel.requestId, channel.node.id, response, ackIndex));
    }

    private void clientReceive(Event.ClientReply reply) {
        SimClient client = clients.get(reply.clientIndex());
        if (client.requestId != reply.requestId() || client.awaiting == null) return;
        if (!(reply.response() instanceof ClientResponse.Result answer)) {
            // NotLeader (with the leader's id, or 0), OVERLOADED, SHUTTING_DOWN: try the leader named, else any node.
            int leaderHint = reply.response() instanceof ClientResponse.NotLeader notLeader ? notLeader.leaderId() : 0;
            client.targetId = leaderHint != 0 ? leaderHint : 1 + random.nextInt(nodes.size());
            schedule(TICK / 2, new Event.ClientWake(client.index));
            client.sentAt = Long.MIN_VALUE / 2; // let the wake resend at once
            return;
        }
        KvResult result = KvResultCodec.decode(answer.result());
        checker.onClientAcknowledged(client, result, reply.ackIndex());
        client.complete(result);
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
            choices.add(this::stallOneDisk);
            choices.add(this::failOneDisk);
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

    /** The leader's disk (any node's while there is none) stalls, or recovers if it was stalled. */
    private void stallOneDisk() {
        SimNode leader = currentLeader();
        int victim = leader != null ? leader.id : 1 + random.nextInt(nodes.size());
        if (!slowDisks.remove(victim)) slowDisks.add(victim);
    }

    /** The leader's disk (any node's while there is none) fails: its next fsync or snapshot write fails. */
    private void failOneDisk() {
        SimNode leader = currentLeader();
        SimNode victim = leader != null ? leader : nodes.get(random.nextInt(nodes.size()));
        if (victim.up) victim.disk.startFailing();
    }

    /**
     * As the node does once its storage failed (the driver has answered its clients STORAGE_FAILED): it stops at once,
     * so it never acts again in this incarnation, a crash as far as its disk and peers can tell. It restarts on the same
     * disk once that is repaired, never on an empty one (that would be a lost disk: docs/storage-recovery.md).
     */
    private void failStop(SimNode node) {
        trace(() -> "storage of " + node.id + " failed: fail-stop");
        crash(node);
        schedule(TICK * (20 + random.nextInt(60)), new Event.Restart(node.id));
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
        trace(() -> "storage of " + victim.id + " lost");
        if (victim.up) {
            crash(victim);
            schedule(TICK * (5 + random.nextInt(60)), new Event.Restart(victim.id));
        }
        victim.storageLost = true;
    }

    /** A bit flips in one hard state copy of a stopped node: it must restart with the newest durable term and vote. */
    private void damageAStoppedNodesHardState() {
        SimNode victim = nodes.get(random.nextInt(nodes.size()));
        if (!victim.up && !victim.storageLost && victim.disk.hardStateCopiesIntact()) {
            trace(() -> "bit flip in a hard state copy of " + victim.id);
            victim.disk.damageOneHardStateCopy(random);
        }
    }

    private SimNode mostUpToDateFollower() {
        SimNode leader = currentLeader();
        if (leader == null) return null;
        int followerId = leader.core().mostUpToDateFollower();
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
        HardState durableBefore = node.disk.durableHardState();
        try {
            start(node);
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
     * {@code kvbench node-rebuild}: only when every other member is up (it reads their statuses) and none is itself
     * lost or below its fence. Messages the lost node sent before it died were delivered or dropped long before (at
     * most two ticks in flight; a restart comes five or more after the crash), as a real rebuild, minutes later, finds.
     */
    private boolean rebuild(SimNode node) {
        long highestTerm = 0;
        long highestLastIndex = 0;
        for (SimNode other : nodes) {
            if (other == node) continue;
            if (!other.up || other.storageLost || other.belowVoteFence()) return false;
            highestTerm = Math.max(highestTerm, other.core().term());
            highestLastIndex = Math.max(highestLastIndex, other.core().lastIndex());
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
        slowDisks.clear();
        for (SimNode node : nodes) {
            node.disk.repair();
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
        long commit = leader.core().commitIndex();
        if (leader.core().termAt(commit) != leader.core().term()) return false;
        return nodes.stream().allMatch(n -> n.up && n.stateMachine().lastAppliedIndex() >= commit && n.core().commitIndex() == commit);
    }

    SimNode currentLeader() {
        SimNode best = null;
        for (SimNode node : nodes) {
            if (node.up && node.core().role() == Role.LEADER && (best == null || node.core().term() > best.core().term())) best = node;
        }
        return best;
    }

    private long finalCommitIndex() {
        return nodes.stream().filter(n -> n.up).mapToLong(n -> n.core().commitIndex()).max().orElse(0);
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

    long unsyncedRecordsLost() {
        return nodes.stream().mapToLong(n -> n.disk.unsyncedRecordsLost()).sum();
    }

    long tornRecords() {
        return nodes.stream().mapToLong(n -> n.disk.tornRecords()).sum();
    }

    static ProposedCommand decode(Entry entry) {
        return KvCommandCodec.decode(entry.data());
    }

    /** The class each simulated node runs (a test checks it is the node's). */
    public Class<?> driverClassOfNode(int nodeId) {
        return node(nodeId).driver().getClass();
    }
}
