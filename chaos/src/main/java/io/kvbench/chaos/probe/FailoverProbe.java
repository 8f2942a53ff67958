package io.kvbench.chaos.probe;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.net.NettyResources;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Times "fault to first acknowledged write" the same way for every target, with no client timeout in it: from the
 * fault, a probe round every {@link #interval()} sends one fresh write (a key of its own, so nothing is ever
 * retried after it may have been sent) to every node that is still reachable, until one is acknowledged. A write
 * may stay outstanding as long as it likes; the figure is the earliest acknowledgement of a write invoked once the
 * fault was in effect ({@link FirstAckRule}). Only how a write reaches one node differs by target
 * ({@link KvnodeProbeTransport}, {@link EtcdProbeTransport}); where the target writes no event log (etcd) the same
 * rounds also poll every member's status to time the leader change ({@link EtcdLeaderPoller}).
 *
 * <p>Everything runs on one event loop thread of its own, which also schedules the rounds (Netty's scheduler on
 * epoll has a timerfd under it, so rounds keep a sub-millisecond schedule when the thread gets the CPU; each
 * trial records the longest gap it actually had). Use: {@link #prepare} before each fault (off its critical
 * path), {@link #start} at the fault, {@link Trial#finish} once the trial's figure is in.
 */
public final class FailoverProbe implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(1);
    /** The bound: a coarser probe would make its own interval a visible part of the figure. */
    public static final Duration MAX_INTERVAL = Duration.ofMillis(2);
    /** Below this, rounds would cost the two shared cores more than they resolve. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(1).dividedBy(10);
    private static final String ETCD = "etcd";
    /** How long {@link Trial#finish} lets polling look for the new leader's term after the first acknowledgement. */
    private static final Duration POLLING_GRACE = Duration.ofMillis(100);
    /**
     * A trial sends no more writes than this (about 40 bytes each are kept until it ends): at the default interval,
     * 3 nodes for about 175 s; more than a campaign's 10 s recovery deadline allows even at the shortest interval.
     */
    static final int MAX_WRITES_PER_TRIAL = 1 << 19;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final NettyResources netty;
    private final EventLoop loop;
    private final ProbeTransport transport;
    private final List<Integer> nodes;
    private final String keyPrefix;
    private final long intervalNanos;
    private final Map<Integer, Long> sequences = new LinkedHashMap<>();
    private int trials;

    private FailoverProbe(NettyResources netty, ProbeTransport transport, List<Integer> nodes, String keyPrefix, Duration interval) {
        this.netty = netty;
        this.loop = netty.group().next();
        this.transport = transport;
        this.nodes = List.copyOf(nodes);
        this.keyPrefix = keyPrefix;
        this.intervalNanos = interval.toNanos();
        nodes.forEach(node -> sequences.put(node, 0L));
    }

    /**
     * A probe for {@code cluster}'s target (etcd: each member's client URL; kvnode: each node's client address),
     * writing keys {@code <keyPrefix>p<node>-<seq>}; its thread runs at {@code threadPriority}.
     */
    public static FailoverProbe open(Cluster cluster, String keyPrefix, Duration interval, int threadPriority) {
        requireInterval(interval);
        NettyResources netty = new NettyResources("chaos-probe", 1, true, threadPriority);
        EventLoop loop = netty.group().next();
        ProbeTransport transport;
        if (cluster.targetName().equals(ETCD)) {
            Map<Integer, URI> urls = new LinkedHashMap<>();
            cluster.nodeIds().forEach(id -> urls.put(id, cluster.clientUrl(id)));
            transport = new EtcdProbeTransport(loop, netty.channelClass(), urls);
        } else {
            Map<Integer, InetSocketAddress> addresses = new LinkedHashMap<>();
            cluster.nodeIds().forEach(id -> addresses.put(id, cluster.clientAddress(id)));
            transport = new KvnodeProbeTransport(netty, addresses);
        }
        return over(netty, transport, cluster.nodeIds(), keyPrefix, interval);
    }

    /** A probe writing through {@code transport}, on {@code netty}'s one event loop thread, which it closes with itself. */
    static FailoverProbe over(NettyResources netty, ProbeTransport transport, List<Integer> nodes, String keyPrefix, Duration interval) {
        requireInterval(interval);
        return new FailoverProbe(netty, transport, nodes, keyPrefix, interval);
    }

    /** Refuses an interval outside [{@link #MIN_INTERVAL}, {@link #MAX_INTERVAL}], naming both bounds. */
    public static void requireInterval(Duration interval) {
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("the probe interval must be between " + MIN_INTERVAL.toNanos() / 1e6 + " and "
                    + MAX_INTERVAL.toMillis() + " ms, not " + interval.toNanos() / 1e6 + " ms");
        }
    }

    public Duration interval() {
        return Duration.ofNanos(intervalNanos);
    }

    /** The one thread the rounds, the transport and its answers run on. */
    EventLoop eventLoop() {
        return loop;
    }

    /** Whether the probe also times the leader change, by polling status (etcd). */
    public boolean pollsLeader() {
        return transport.leaderPoller().isPresent();
    }

    /** The target's version as its running nodes report it (etcd, once prepared), else empty. */
    public Optional<String> targetVersion() {
        return transport.version();
    }

    /**
     * Before a fault, within {@code timeout}: connections and sessions ready (see {@link ProbeTransport#prepare}), then
     * one rehearsal write to every node through the very path the trial's writes take, answered before the fault,
     * so the first trial's rounds do not run through cold code and a session the nodes forgot shows up now. The
     * rehearsal writes belong to no trial.
     */
    public void prepare(Duration timeout) throws IOException, InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        transport.prepare(deadlineNanos);
        CompletableFuture<Void> rehearsed;
        try {
            rehearsed = loop.submit(this::rehearse).get();
        } catch (ExecutionException e) {
            throw new IOException("probe: rehearsal failed: " + e.getCause(), e.getCause());
        }
        try {
            rehearsed.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // A node that does not answer in time is still tried in the trial; its rehearsal is simply abandoned.
        } catch (ExecutionException e) {
            throw new IOException("probe: rehearsal failed: " + e.getCause(), e.getCause());
        }
    }

    private CompletableFuture<Void> rehearse() {
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (int node : nodes) {
            if (!transport.canSend(node)) continue;
            CompletableFuture<Void> answered = new CompletableFuture<>();
            answers.add(answered);
            long sequence = sequences.merge(node, 1L, Long::sum);
            transport.send(node, sequence, key(node, sequence), "rehearsal", (nanos, answer) -> answered.complete(null));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
    }

    /** A key of its own for every write: {@code <keyPrefix>p<node>-<seq>}, which the campaign's checkers never read. */
    private String key(int node, long sequence) {
        return keyPrefix + "p" + node + "-" + sequence;
    }

    /**
     * Starts probing at once, for a fault that begins at {@code faultNanos} and removes {@code oldLeader} (where
     * {@code expectsElection}, polling also looks for the new leader). Call just before injecting the fault.
     */
    public Trial start(long faultNanos, int oldLeader, boolean expectsElection) {
        Trial trial = new Trial(++trials, faultNanos, expectsElection ? transport.leaderPoller() : Optional.empty());
        loop.execute(() -> trial.begin(oldLeader));
        return trial;
    }

    /** One trial's probing. The campaign's thread calls these; the state they touch lives on the event loop. */
    public final class Trial {
        private final int number;
        private final long faultNanos;
        private final Optional<EtcdLeaderPoller> poller;
        private final CompletableFuture<Long> firstAck = new CompletableFuture<>();
        private final CompletableFuture<Void> pollingDone = new CompletableFuture<>();
        // event loop only:
        private final List<ProbeWrite> writes = new ArrayList<>();
        private boolean countFromKnown;
        private long countFromNanos;
        private boolean acknowledged;
        private boolean finished;
        private long lastRoundNanos;
        private long nextRoundNanos;
        private long maxGapNanos;
        private long cpuAtBeginNanos = -1;
        private long cpuAtAcknowledgementNanos = -1;
        private ScheduledFuture<?> nextRound;
        private boolean stopped;
        private Throwable failure;

        private Trial(int number, long faultNanos, Optional<EtcdLeaderPoller> poller) {
            this.number = number;
            this.faultNanos = faultNanos;
            this.poller = poller;
            this.lastRoundNanos = faultNanos;
        }

        private void begin(int oldLeader) {
            cpuAtBeginNanos = threadCpuNanos();
            poller.ifPresent(p -> p.start(faultNanos, oldLeader));
            nextRoundNanos = System.nanoTime();
            round();
        }

        /**
         * The next round one interval after the previous one was due; after a stall (the thread off the CPU, a GC),
         * one interval from now: the rounds it missed are skipped, not sent in a burst of writes all invoked at once.
         */
        private void scheduleNextRound(long nowNanos) {
            nextRoundNanos += intervalNanos;
            if (nextRoundNanos - nowNanos <= 0) nextRoundNanos = nowNanos + intervalNanos;
            nextRound = loop.schedule(this::round, nextRoundNanos - nowNanos, TimeUnit.NANOSECONDS);
        }

        private void stopRounds() {
            stopped = true;
            if (nextRound != null) nextRound.cancel(false);
        }

        private void round() {
            if (stopped) return;
            try {
                long now = System.nanoTime();
                if (!acknowledged) {
                    maxGapNanos = Math.max(maxGapNanos, now - lastRoundNanos);
                    lastRoundNanos = now;
                    for (int node : nodes) {
                        if (transport.canSend(node) && writes.size() < MAX_WRITES_PER_TRIAL) send(node);
                    }
                }
                poller.ifPresent(p -> p.tick(now));
                boolean polled = poller.map(EtcdLeaderPoller::done).orElse(true);
                if (polled) pollingDone.complete(null);
                if (acknowledged && polled) {
                    stopRounds();
                } else {
                    scheduleNextRound(System.nanoTime());
                }
            } catch (RuntimeException | Error e) {
                // Stop, and report it from awaitFirstAck() and finish().
                failure = e;
                stopRounds();
                firstAck.completeExceptionally(e);
            }
        }

        private void send(int node) {
            long sequence = sequences.merge(node, 1L, Long::sum);
            int index = writes.size();
            long invokeNanos = System.nanoTime();
            writes.add(ProbeWrite.outstanding(node, invokeNanos));
            transport.send(node, sequence, key(node, sequence), "t" + number, (nanos, answer) -> {
                if (finished) return;
                ProbeWrite write = writes.get(index).answered(nanos, answer);
                writes.set(index, write);
                if (write.acknowledged() && countFromKnown && write.invokeNanos() - countFromNanos >= 0) acknowledge(nanos);
            });
        }

        private void acknowledge(long nanos) {
            if (!acknowledged) cpuAtAcknowledgementNanos = threadCpuNanos();
            acknowledged = true;
            firstAck.complete(nanos);
        }

        /**
         * The fault was certainly in effect from {@code nanos} on: only writes invoked since count (an earlier one
         * may have been acknowledged by the old leader while the fault was still landing).
         */
        public void countFrom(long nanos) {
            loop.execute(() -> {
                countFromKnown = true;
                countFromNanos = nanos;
                FirstAckRule.earliestAck(writes, nanos).ifPresent(this::acknowledge);
            });
        }

        /** The first acknowledgement of a write that counts, waiting until {@code deadlineNanos} at most. */
        public OptionalLong awaitFirstAck(long deadlineNanos) throws IOException, InterruptedException {
            try {
                return OptionalLong.of(firstAck.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                return OptionalLong.empty();
            } catch (ExecutionException e) {
                throw new IOException("probe failed: " + e.getCause(), e.getCause());
            }
        }

        /** The new leader's node id once polling saw it (etcd), waiting until {@code deadlineNanos}; empty without polling. */
        public Optional<Integer> awaitLeader(long deadlineNanos) throws InterruptedException {
            if (poller.isEmpty()) return Optional.empty();
            CompletableFuture<Integer> seen;
            try {
                seen = loop.submit(() -> poller.get().leaderSeen()).get();
                return Optional.of(seen.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException | TimeoutException e) {
                return Optional.empty();
            }
        }

        /**
         * Stops the rounds and polling, abandons writes still outstanding, and returns what the trial saw. Where
         * polling has seen the new leader but not yet its new term, it gets up to {@link #POLLING_GRACE} more.
         */
        public ProbeResult finish() throws IOException, InterruptedException {
            if (firstAck.isDone()) {
                try {
                    pollingDone.get(POLLING_GRACE.toNanos(), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // stop anyway: leader-ready stays unmeasured in this trial
                }
            }
            ProbeResult result;
            try {
                result = loop.submit(() -> {
                    stopRounds();
                    finished = true;
                    OptionalLong first = FirstAckRule.earliestAck(writes, countFromKnown ? countFromNanos : faultNanos);
                    long gap = Math.max(maxGapNanos, first.isPresent() ? 0 : System.nanoTime() - lastRoundNanos);
                    Optional<PolledLeader> leader = poller.flatMap(EtcdLeaderPoller::stop);
                    long oldTerm = poller.map(EtcdLeaderPoller::oldTerm).orElse(-1L);
                    long cpuUntil = acknowledged ? cpuAtAcknowledgementNanos : threadCpuNanos();
                    long cpu = cpuAtBeginNanos < 0 || cpuUntil < 0 ? -1 : cpuUntil - cpuAtBeginNanos;
                    ProbeResult probed = new ProbeResult(first, writes.size(), gap, cpu, transport.freshConnections(), leader, oldTerm);
                    transport.endTrial();
                    return probed;
                }).get();
            } catch (ExecutionException e) {
                throw new IOException("probe: ending trial " + number + " failed: " + e.getCause(), e.getCause());
            }
            if (failure != null) throw new IOException("probe failed in trial " + number + ": " + failure, failure);
            return result;
        }
    }

    /** The calling thread's CPU time (user and system), -1 where the JVM does not measure it. */
    private static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    @Override
    public void close() {
        transport.close();
        netty.close();
    }
}
