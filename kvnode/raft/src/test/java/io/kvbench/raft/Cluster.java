package io.kvbench.raft;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * A deterministic test harness: N {@link RaftCore}s, in-memory storage, and a network that is a FIFO queue of
 * messages (optionally lossy and reordering, driven by a seeded {@link Random}). Persistence is immediate: a
 * node's {@link Ready} is made "durable" in its storage and {@link RaftCore#persisted(Ready)} is called at
 * once, then {@code messagesNow} and {@code messagesAfterPersist} go onto the network.
 *
 * <p>The harness also watches safety while it runs: at most one leader per term, and every node applies the
 * same entry at each index (State Machine Safety). Violations are collected rather than thrown so that the
 * mutation tests can show a broken rule is caught; {@link #assertSafe()} fails on any.
 */
final class Cluster {
    static final int MIN = 10;
    static final int MAX = 20;
    static final int HEARTBEAT = 2;
    static final int LEADER_LOST_MAX = 3;

    /** Small timeouts so scenario loops stay fast: election [10, 20) ticks, heartbeat 2, leader-lost [1, 3]. */
    static RaftConfig config(int id, List<Integer> voters) {
        return RaftConfig.defaults(id, voters).withTimeouts(MIN, MAX, HEARTBEAT, LEADER_LOST_MAX);
    }

    /** The basic algorithm of the paper: no pre-vote, no check-quorum (and so no leases). */
    static RaftConfig paper(RaftConfig config) {
        return config.withPreVote(false).withCheckQuorum(false);
    }

    /** Everything one or more Readies produced. */
    record Output(HardState hardState, List<Entry> entries, Snapshot snapshot, List<Message> messagesNow,
                  List<Message> messagesAfterPersist, List<Entry> committed, List<ReadState> readStates,
                  List<Long> failedReads, List<RoleChange> roleChanges) {
        List<Message> messages() {
            List<Message> all = new ArrayList<>(messagesNow);
            all.addAll(messagesAfterPersist);
            return all;
        }

        <M extends Message> List<M> messages(Class<M> type) {
            return messages().stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    final class Node {
        final int id;
        final RaftConfig config;
        RaftCore core;
        boolean down;
        int incarnation;
        Mutation mutation = Mutation.NONE;
        // Durable storage.
        HardState hardState = HardState.INITIAL;
        long voteFenceIndex;
        Snapshot snapshot = Snapshot.EMPTY;
        final List<Entry> stored = new ArrayList<>();
        // What the runtime saw.
        final TreeMap<Long, Entry> applied = new TreeMap<>();
        final List<ReadState> readStates = new ArrayList<>();
        final List<Long> failedReads = new ArrayList<>();

        Node(int id, RaftConfig config) {
            this.id = id;
            this.config = config;
            this.core = new RaftCore(config, new Random(seed * 7919 + id));
        }

        void restart() {
            incarnation++;
            down = false;
            applied.clear();
            core = new RaftCore(config, new Random(seed * 7919 + id + 1_000_003L * incarnation), hardState, snapshot,
                    List.copyOf(stored), voteFenceIndex);
            core.breakRuleForTesting(mutation);
        }

        void store(Ready ready) {
            if (ready.hardState() != null) hardState = ready.hardState();
            if (ready.snapshot() != null) {
                snapshot = ready.snapshot();
                stored.clear(); // the core discarded its whole log for the snapshot
            }
            if (!ready.entries().isEmpty()) {
                long first = ready.entries().get(0).index();
                stored.removeIf(e -> e.index() >= first);
                stored.addAll(ready.entries());
            }
        }
    }

    final long seed;
    final Random random;
    final List<Integer> voters;
    private final Map<Integer, Node> nodes = new LinkedHashMap<>();
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private final List<Predicate<Message>> dropRules = new ArrayList<>();
    private final Set<Long> cutLinks = new HashSet<>();
    private UnaryOperator<Message> rewrite = UnaryOperator.identity();
    double dropRate;
    boolean reorder;
    /** Every message handed to a core, in delivery order. */
    final List<Message> delivered = new ArrayList<>();
    final Map<Long, Integer> leaderOfTerm = new TreeMap<>();
    final Map<Long, Entry> committed = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    /** Per read request: the highest index any node had applied as committed when the read was asked. */
    private final Map<Long, Long> readFloors = new java.util.HashMap<>();

    Cluster(int size) {
        this(size, 1, UnaryOperator.identity());
    }

    Cluster(int size, UnaryOperator<RaftConfig> tweak) {
        this(size, 1, tweak);
    }

    Cluster(int size, long seed, UnaryOperator<RaftConfig> tweak) {
        this.seed = seed;
        this.random = new Random(seed);
        this.voters = IntStream.rangeClosed(1, size).boxed().toList();
        for (int id : voters) nodes.put(id, new Node(id, tweak.apply(config(id, voters))));
    }

    RaftCore core(int id) {
        return nodes.get(id).core;
    }

    Node node(int id) {
        return nodes.get(id);
    }

    List<Integer> ids() {
        return voters;
    }

    // ------------------------------------------------------------------ readies

    /** Drain the node's Readies, persist them at once, and return them without sending the messages. */
    Output take(int id) {
        Node node = nodes.get(id);
        HardState hardState = null;
        Snapshot snapshot = null;
        List<Entry> entries = new ArrayList<>();
        List<Message> now = new ArrayList<>();
        List<Message> after = new ArrayList<>();
        List<Entry> committedEntries = new ArrayList<>();
        List<ReadState> readStates = new ArrayList<>();
        List<Long> failedReads = new ArrayList<>();
        List<RoleChange> roleChanges = new ArrayList<>();
        while (node.core.hasReady()) {
            Ready ready = node.core.ready();
            checkLeaderVoteDurable(node, ready);
            node.store(ready);
            node.core.persisted(ready);
            if (ready.hardState() != null) hardState = ready.hardState();
            if (ready.snapshot() != null) snapshot = ready.snapshot();
            entries.addAll(ready.entries());
            now.addAll(ready.messagesNow());
            after.addAll(ready.messagesAfterPersist());
            committedEntries.addAll(ready.committedEntries());
            readStates.addAll(ready.readStates());
            failedReads.addAll(ready.failedReads());
            roleChanges.addAll(ready.roleChanges());
            observe(node, ready);
        }
        return new Output(hardState, entries, snapshot, now, after, committedEntries, readStates, failedReads,
                roleChanges);
    }

    /** Drain the node's Readies and send their messages over the network. */
    Output drain(int id) {
        Output output = take(id);
        output.messages().forEach(this::send);
        return output;
    }

    void drainAll() {
        for (Node node : nodes.values()) if (!node.down) drain(node.id);
    }

    /**
     * §5.2 with Figure 2's "persist before responding": a candidate may lead only on votes that survive a crash,
     * its own included, so its term and self-vote must be durable before the Ready that makes it leader.
     */
    private void checkLeaderVoteDurable(Node node, Ready ready) {
        if (voters.size() == 1) return;
        for (RoleChange change : ready.roleChanges()) {
            if (change.role() == Role.LEADER
                    && (node.hardState.term() != change.term() || node.hardState.votedFor() != node.id)) {
                violations.add("node " + node.id + " leads term " + change.term() + " before its vote is durable ("
                        + node.hardState + ")");
            }
        }
    }

    private void observe(Node node, Ready ready) {
        for (RoleChange change : ready.roleChanges()) {
            if (change.role() != Role.LEADER) continue;
            Integer previous = leaderOfTerm.putIfAbsent(change.term(), node.id);
            if (previous != null && previous != node.id) {
                violations.add("two leaders in term " + change.term() + ": " + previous + " and " + node.id);
            }
        }
        for (Entry entry : ready.committedEntries()) {
            node.applied.put(entry.index(), entry);
            Entry earlier = committed.putIfAbsent(entry.index(), entry);
            if (earlier != null && !earlier.equals(entry)) {
                violations.add("node " + node.id + " applied " + entry + " but " + earlier + " was applied before");
            }
        }
        // Figure 2 / Ready's contract: nothing that depends on durable state leaves before it is persisted.
        for (Message m : ready.messagesNow()) {
            // A vote request may leave before the candidate's own vote is durable: what depends on that vote
            // is the candidate becoming leader (checkLeaderVoteDurable).
            boolean dependsOnDurableState = (m instanceof Message.VoteResponse v && !v.preVote())
                    || (m instanceof Message.AppendResponse a && a.success());
            if (dependsOnDurableState && node.mutation != Mutation.ACK_BEFORE_PERSIST) {
                violations.add("node " + node.id + " sends " + m + " before persisting");
            }
        }
        // ReadIndex (§6.4): a confirmed read sees every write committed before the read was asked for.
        for (ReadState read : ready.readStates()) {
            Long floor = readFloors.remove(read.requestId());
            if (floor != null && read.readIndex() < floor) {
                violations.add("read " + read + " misses a write committed at " + floor + " before it was asked");
            }
        }
        node.readStates.addAll(ready.readStates());
        node.failedReads.addAll(ready.failedReads());
    }

    void assertSafe() {
        if (!violations.isEmpty()) throw new AssertionError("safety violations: " + violations);
    }

    // ------------------------------------------------------------------ network

    void send(Message message) {
        if (nodes.get(message.from()).down) return;
        if (cutLinks.contains(link(message.from(), message.to()))) return;
        for (Predicate<Message> rule : dropRules) if (rule.test(message)) return;
        if (dropRate > 0 && random.nextDouble() < dropRate) return;
        Message rewritten = rewrite.apply(message);
        if (rewritten != null) network.addLast(rewritten);
    }

    /** Deliver one message (the oldest, or a random one when reordering); false if none is in flight. */
    boolean deliverOne() {
        if (network.isEmpty()) return false;
        Message message;
        if (reorder && network.size() > 1) {
            int skip = random.nextInt(Math.min(network.size(), 4));
            List<Message> all = new ArrayList<>(network);
            message = all.remove(skip);
            network.clear();
            network.addAll(all);
        } else {
            message = network.pollFirst();
        }
        Node to = nodes.get(message.to());
        if (to.down || cutLinks.contains(link(message.from(), message.to()))) return true;
        delivered.add(message);
        to.core.step(message);
        drain(to.id);
        return true;
    }

    /** Deliver until no message is in flight. */
    void stabilize() {
        drainAll();
        for (int i = 0; deliverOne(); i++) {
            if (i > 200_000) throw new AssertionError("the cluster does not quiesce");
        }
    }

    List<Message> inFlight() {
        return List.copyOf(network);
    }

    void clearNetwork() {
        network.clear();
    }

    void drop(Predicate<Message> rule) {
        dropRules.add(rule);
    }

    void rewrite(UnaryOperator<Message> rule) {
        this.rewrite = rule;
    }

    void cut(int a, int b) {
        cutLinks.add(link(a, b));
        cutLinks.add(link(b, a));
    }

    void isolate(int id) {
        for (int other : voters) if (other != id) cut(id, other);
    }

    void heal() {
        cutLinks.clear();
        dropRules.clear();
        rewrite = UnaryOperator.identity();
    }

    private static long link(int from, int to) {
        return ((long) from << 32) | to;
    }

    // ------------------------------------------------------------------ faults and time

    void crash(int id) {
        nodes.get(id).down = true;
    }

    void restart(int id) {
        nodes.get(id).restart();
    }

    /** Restart {@code id} from the given storage instead of its own (to give it a prepared log). */
    void load(int id, HardState hardState, List<Entry> entries) {
        Node node = nodes.get(id);
        node.hardState = hardState;
        node.snapshot = Snapshot.EMPTY;
        node.stored.clear();
        node.stored.addAll(entries);
        node.restart();
    }

    /** Restart {@code id} as a node rebuilt after losing its storage: empty log, the given hard state and fence. */
    void loadRebuilt(int id, HardState hardState, long voteFenceIndex) {
        nodes.get(id).voteFenceIndex = voteFenceIndex;
        load(id, hardState, List.of());
    }

    void breakRule(int id, Mutation mutation) {
        nodes.get(id).mutation = mutation;
        nodes.get(id).core.breakRuleForTesting(mutation);
    }

    /** Compact {@code id}'s log through {@code index} (which it must have applied). */
    Snapshot compact(int id, long index) {
        Node node = nodes.get(id);
        Snapshot snapshot = new Snapshot(index, node.core.termAt(index));
        node.core.compact(snapshot);
        node.snapshot = snapshot;
        node.stored.removeIf(e -> e.index() <= index);
        return snapshot;
    }

    void tick(int id) {
        nodes.get(id).core.tick();
        drain(id);
    }

    /** {@code n} rounds of: every live node ticks once, then the network is delivered until quiet. */
    void advance(int n) {
        for (int i = 0; i < n; i++) {
            for (Node node : nodes.values()) if (!node.down) node.core.tick();
            stabilize();
        }
    }

    /** Tick only {@code id} until it starts a (pre-)election; returns how many ticks it took. */
    int timeout(int id) {
        RaftCore core = core(id);
        for (int ticks = 1; ticks <= core.config().electionTimeoutMaxTicks() + 1; ticks++) {
            core.tick();
            if (core.role() != Role.FOLLOWER) return ticks; // its Ready is left for the caller
        }
        throw new AssertionError("node " + id + " never timed out: " + core);
    }

    /** Make {@code id} time out and campaign until it leads (others do not tick). */
    void elect(int id) {
        for (int attempt = 0; attempt < 10 && core(id).role() != Role.LEADER; attempt++) {
            if (core(id).role() == Role.FOLLOWER) timeout(id);
            else {
                while (core(id).role() != Role.LEADER && core(id).role() != Role.FOLLOWER) {
                    long term = core(id).term();
                    Role role = core(id).role();
                    core(id).tick();
                    drain(id);
                    if (core(id).term() != term || core(id).role() != role) break;
                }
            }
            stabilize();
        }
        if (core(id).role() != Role.LEADER) throw new AssertionError("could not elect " + id + ": " + core(id));
    }

    /** The live leader of the highest term, or 0. */
    int leader() {
        int leader = 0;
        long term = -1;
        for (Node node : nodes.values()) {
            if (!node.down && node.core.role() == Role.LEADER && node.core.term() > term) {
                leader = node.id;
                term = node.core.term();
            }
        }
        return leader;
    }

    List<Integer> leaders() {
        return nodes.values().stream().filter(n -> !n.down && n.core.role() == Role.LEADER).map(n -> n.id).toList();
    }

    ProposeResult propose(int id, String command) {
        return core(id).propose(command.getBytes(StandardCharsets.UTF_8));
    }

    /** Ask {@code id} for a read, remembering the highest applied index anywhere as the read's floor. */
    ProposeResult readIndex(int id, long requestId) {
        long floor = committed.isEmpty() ? 0 : ((TreeMap<Long, Entry>) committed).lastKey();
        readFloors.put(requestId, floor);
        return core(id).readIndex(requestId);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Entries with the given terms at indices 1, 2, ... */
    static List<Entry> log(long... terms) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) entries.add(Entry.command(i + 1, terms[i], bytes("e" + (i + 1))));
        return entries;
    }

    /** The terms of {@code id}'s log, index 1 first (compacted entries as -1). */
    long[] terms(int id) {
        RaftCore core = core(id);
        long[] terms = new long[(int) core.lastIndex()];
        for (int i = 1; i <= core.lastIndex(); i++) terms[i - 1] = core.termAt(i);
        return terms;
    }
}
