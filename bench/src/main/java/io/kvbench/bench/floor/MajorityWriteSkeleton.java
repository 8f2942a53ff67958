package io.kvbench.bench.floor;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * The least CPU a majority write costs in this stack: the messages and fsyncs of a replicated write and nothing
 * else. A client, a "leader" and {@code clusterSize - 1} "followers", each on a Netty event loop of its own (one
 * thread each, standing in for the processes: CPU time is counted per thread), over loopback TCP with the transport
 * the suite uses, {@code inFlight} writes in flight (closed loop):
 *
 * <ol>
 *   <li>the client sends requests (an 8-byte id and {@code payloadBytes}) to the leader;</li>
 *   <li>at the end of each event-loop turn that read requests, the leader sends the turn's range of them, with their
 *       payloads, to every follower in one message and makes them durable in a preallocated file of its own (write +
 *       {@code force(false)}, at least {@link FsyncProbe}'s 64-byte record): one fsync per turn;</li>
 *   <li>each follower, at the end of a turn that read ranges, makes one record durable in its own file, then
 *       acknowledges the highest sequence it holds;</li>
 *   <li>the leader answers each request once its own record is durable and a majority counting itself holds it
 *       (Raft §5.3: the leader's own log counts; §10.2.1: the leader may write its log in parallel with replicating),
 *       one flush per turn; the client sends a next request for each answer.</li>
 * </ol>
 *
 * No log, no terms, no encoding, no state machine, no timers; a payload of {@code payloadBytes} per write in its request,
 * in the range that replicates it and in the fsync that makes it durable: what is left is what a majority write cannot
 * do without, batched as far as one turn allows, so the CPU per write of each role here is a floor for the same role in a node at
 * the same number of writes in flight, and the cost of everything Raft and the node add is the difference. With one
 * write in flight nothing batches. {@link FsyncPlacement#EVENT_LOOP} makes records durable on the event loop (no
 * hand-off; the floor); {@link FsyncPlacement#SEPARATE_THREAD} hands each fsync to a thread of the node's own and back,
 * as kvnode's WAL thread does (requests that arrive while it fsyncs share its next fsync, a group commit), so the two
 * differ by what the hand-off costs.
 *
 * <p>The latency is a diagnostic only, not the majority-write floor ({@link FloorResult#majorityWriteFloorMicros()}):
 * the four threads share the machine's cores, so it includes their waits for a CPU.
 */
public final class MajorityWriteSkeleton {

    /** A request's and an answer's id. */
    static final int ID_BYTES = 8;
    /** A range's header: its first and last sequence. */
    static final int RANGE_HEADER_BYTES = 16;
    static final int MAX_RANGE_FRAME_BYTES = 64 << 20;
    /**
     * The bytes each write carries, by default: about a kvnode put of a 100-byte value (the reference runs' size) with
     * its key, client id, sequence and framing. Each request carries them to the leader, each range carries its
     * writes' to the followers, and each fsync writes a turn's worth.
     */
    public static final int DEFAULT_PAYLOAD_BYTES = 128;
    private static final long TIMEOUT_SECONDS = 120;

    /** Where each node makes its record durable. */
    public enum FsyncPlacement {
        /** On the node's event loop, after its sends are flushed: no thread hand-off. */
        EVENT_LOOP,
        /** On a thread of the node's own, its completion handed back to the event loop: kvnode's WAL thread. */
        SEPARATE_THREAD;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * CPU time per acknowledged write of each role, every thread of the role counted (its event loop and, for
     * {@link FsyncPlacement#SEPARATE_THREAD}, its fsync thread), user and system time together, over the measured
     * writes; and the client's latency.
     *
     * @param placement               where records were made durable
     * @param clusterSize             the leader and its followers
     * @param writes                  measured writes (after the warm-up ones)
     * @param writeMicrosP50          the client's latency, p50 (a diagnostic: see the class comment)
     * @param writeMicrosP99          same, 99th percentile
     * @param leaderCpuMicrosPerWrite the leader's threads
     * @param followerCpuMicrosPerWrite the followers' threads, the mean of the followers
     * @param clientCpuMicrosPerWrite the client's event loop
     * @param inFlight                writes in flight at once (closed loop)
     * @param connections             the client's connections to the leader, the writes in flight spread over them
     * @param payloadBytes            the bytes each write carried (see {@link #DEFAULT_PAYLOAD_BYTES})
     */
    public record Result(FsyncPlacement placement, int clusterSize, int writes, double writeMicrosP50,
            double writeMicrosP99, double leaderCpuMicrosPerWrite, double followerCpuMicrosPerWrite,
            double clientCpuMicrosPerWrite, int inFlight, int connections, int payloadBytes) {

        /** No payload, {@code inFlight} writes in flight over {@code connections}. */
        public Result(FsyncPlacement placement, int clusterSize, int writes, double writeMicrosP50,
                double writeMicrosP99, double leaderCpuMicrosPerWrite, double followerCpuMicrosPerWrite,
                double clientCpuMicrosPerWrite, int inFlight, int connections) {
            this(placement, clusterSize, writes, writeMicrosP50, writeMicrosP99, leaderCpuMicrosPerWrite,
                    followerCpuMicrosPerWrite, clientCpuMicrosPerWrite, inFlight, connections, 0);
        }

        /** One write in flight, no payload. */
        public Result(FsyncPlacement placement, int clusterSize, int writes, double writeMicrosP50,
                double writeMicrosP99, double leaderCpuMicrosPerWrite, double followerCpuMicrosPerWrite,
                double clientCpuMicrosPerWrite) {
            this(placement, clusterSize, writes, writeMicrosP50, writeMicrosP99, leaderCpuMicrosPerWrite,
                    followerCpuMicrosPerWrite, clientCpuMicrosPerWrite, 1, 1, 0);
        }

        /** Every process of the cluster and its client: leader + each follower + client. */
        public double totalCpuMicrosPerWrite() {
            return leaderCpuMicrosPerWrite + (clusterSize - 1) * followerCpuMicrosPerWrite + clientCpuMicrosPerWrite;
        }

        /**
         * The placement's label, and the writes in flight and connections when more than one:
         * {@code event-loop-64-in-flight-16-connections}.
         */
        public String label() {
            return placement.label() + (inFlight == 1 ? "" : "-" + inFlight + "-in-flight")
                    + (connections == 1 ? "" : "-" + connections + "-connections");
        }
    }

    private MajorityWriteSkeleton() {
    }

    /**
     * Both placements, each {@code turns} times, taking turns (event loop, separate thread, event loop, ...) after one
     * unmeasured run of each with {@code warmupWrites}; per placement, each field is the median over its turns (the
     * p50 of {@code turns} runs of {@code writes / turns} writes). Turns because a floor measured at one moment of a
     * shared machine is that moment's: the in-run floors of six runs in a row, one run each, had an event-loop total of
     * 220 to 358 us per write, bimodal; and because the two placements should see the same machine. The warm-up runs
     * first because the floor is measured in fresh JVMs (kvbench load's generator), whose first thousand writes run
     * cold code.
     */
    public static List<Result> measureTurns(Path directory, int clusterSize, int warmupWrites, int writes, int turns,
            int inFlight, int connections, int payloadBytes) throws IOException {
        if (turns < 1) throw new IllegalArgumentException("turns must be >= 1, got " + turns);
        if (writes < turns) throw new IllegalArgumentException("writes must be >= turns, got " + writes);
        List<Result> results = new ArrayList<>();
        List<List<Result>> byPlacement = new ArrayList<>();
        for (FsyncPlacement placement : FsyncPlacement.values()) {
            if (warmupWrites > 0) {
                measure(directory, clusterSize, 0, warmupWrites, placement, inFlight, connections, payloadBytes, Faults.NONE);
            }
            byPlacement.add(new ArrayList<>());
        }
        for (int turn = 0; turn < turns; turn++) {
            int turnWrites = writes / turns + (turn < writes % turns ? 1 : 0);
            for (FsyncPlacement placement : FsyncPlacement.values()) {
                byPlacement.get(placement.ordinal()).add(measure(directory, clusterSize, 0, turnWrites, placement,
                        inFlight, connections, payloadBytes, Faults.NONE));
            }
        }
        for (FsyncPlacement placement : FsyncPlacement.values()) {
            List<Result> runs = byPlacement.get(placement.ordinal());
            results.add(new Result(placement, clusterSize, writes, median(runs, Result::writeMicrosP50),
                    median(runs, Result::writeMicrosP99), median(runs, Result::leaderCpuMicrosPerWrite),
                    median(runs, Result::followerCpuMicrosPerWrite), median(runs, Result::clientCpuMicrosPerWrite),
                    inFlight, connections, payloadBytes));
        }
        return results;
    }

    /** As {@link #measureTurns(Path, int, int, int, int, int, int, int)}: one write in flight, the default payload. */
    public static List<Result> measureTurns(Path directory, int clusterSize, int warmupWrites, int writes, int turns)
            throws IOException {
        return measureTurns(directory, clusterSize, warmupWrites, writes, turns, 1, 1, DEFAULT_PAYLOAD_BYTES);
    }

    /** The median of one field over runs (the mean of the middle two for an even count). */
    static double median(List<Result> runs, java.util.function.ToDoubleFunction<Result> field) {
        double[] values = runs.stream().mapToDouble(field).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** One write in flight, the default payload: see {@link #measure(Path, int, int, int, FsyncPlacement, int, int, int)}. */
    public static Result measure(Path directory, int clusterSize, int warmupWrites, int writes, FsyncPlacement placement)
            throws IOException {
        return measure(directory, clusterSize, warmupWrites, writes, placement, 1, 1, DEFAULT_PAYLOAD_BYTES);
    }

    /**
     * Faults for tests: extra time after each fsync of the leader, of the first follower, of the other followers; and
     * whether the leader's fsyncs fail. They show that a write is answered only once durable on a majority counting the
     * leader, and that a failure ends the measurement.
     */
    record Faults(long leaderFsyncExtraNanos, long firstFollowerFsyncExtraNanos, long otherFollowersFsyncExtraNanos,
            boolean leaderFsyncFails) {
        static final Faults NONE = new Faults(0, 0, 0, false);
    }

    /**
     * {@code writes} measured writes after {@code warmupWrites} discarded ones, {@code inFlight} at once over
     * {@code connections} client connections (as evenly as they divide); scratch files in {@code directory}.
     */
    public static Result measure(Path directory, int clusterSize, int warmupWrites, int writes, FsyncPlacement placement,
            int inFlight, int connections, int payloadBytes) throws IOException {
        return measure(directory, clusterSize, warmupWrites, writes, placement, inFlight, connections, payloadBytes,
                Faults.NONE);
    }

    static Result measure(Path directory, int clusterSize, int warmupWrites, int writes, FsyncPlacement placement,
            int inFlight, int connections, int payloadBytes, Faults faults) throws IOException {
        if (clusterSize < 2) throw new IllegalArgumentException("clusterSize must be >= 2, got " + clusterSize);
        if (writes < 1) throw new IllegalArgumentException("writes must be >= 1, got " + writes);
        if (warmupWrites < 0) throw new IllegalArgumentException("warmupWrites must be >= 0, got " + warmupWrites);
        if (inFlight < 1) throw new IllegalArgumentException("inFlight must be >= 1, got " + inFlight);
        if (payloadBytes < 0) throw new IllegalArgumentException("payloadBytes must be >= 0, got " + payloadBytes);
        if (connections < 1 || connections > inFlight) {
            throw new IllegalArgumentException("connections must be 1 to inFlight (" + inFlight + "), got " + connections);
        }
        Files.createDirectories(directory);
        int totalWrites = warmupWrites + writes;
        List<EventLoopGroup> groups = new ArrayList<>();
        List<ExecutorService> fsyncThreads = new ArrayList<>();
        List<SkeletonDurable> durables = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        // Completed by the client with its histogram, or by whichever node fails first (a later failure, e.g. a late
        // acknowledgement written to a channel closed at teardown, finds it complete and is dropped).
        CompletableFuture<Histogram> done = new CompletableFuture<>();
        try {
            List<SkeletonThreads> followerThreads = new ArrayList<>();
            List<InetSocketAddress> followerAddresses = new ArrayList<>();
            for (int follower = 1; follower < clusterSize; follower++) {
                SkeletonThreads threads = SkeletonThreads.start("follower" + follower, placement, groups, fsyncThreads);
                SkeletonDurable durable = SkeletonDurable.open(directory, totalWrites, payloadBytes, threads.fsyncExecutor(), threads.loop(), done,
                        follower == 1 ? faults.firstFollowerFsyncExtraNanos() : faults.otherFollowersFsyncExtraNanos(),
                        false);
                durables.add(durable);
                Channel server = SkeletonNetwork.listenForRanges(threads.group(), () -> new SkeletonFollower(durable, threads.loop(), done));
                channels.add(server);
                followerAddresses.add((InetSocketAddress) server.localAddress());
                followerThreads.add(threads);
            }
            SkeletonThreads leaderThreads = SkeletonThreads.start("leader", placement, groups, fsyncThreads);
            SkeletonDurable leaderDurable = SkeletonDurable.open(directory, totalWrites, payloadBytes, leaderThreads.fsyncExecutor(),
                    leaderThreads.loop(), done, faults.leaderFsyncExtraNanos(), faults.leaderFsyncFails());
            durables.add(leaderDurable);
            SkeletonLeader leader = new SkeletonLeader(leaderDurable, leaderThreads.loop(), clusterSize - 1,
                    clusterSize / 2, totalWrites, payloadBytes, done);
            for (int follower = 0; follower < followerAddresses.size(); follower++) {
                Channel toFollower = SkeletonNetwork.connect(leaderThreads.group(), followerAddresses.get(follower),
                        leader.ackHandler(follower));
                channels.add(toFollower);
                leader.followers.add(toFollower);
            }
            Channel leaderServer = SkeletonNetwork.listen(leaderThreads.group(), ID_BYTES + payloadBytes, () -> leader);
            channels.add(leaderServer);

            SkeletonThreads clientThreads = SkeletonThreads.start("client", FsyncPlacement.EVENT_LOOP, groups, fsyncThreads);
            List<Long> allThreadIds = new ArrayList<>();
            allThreadIds.addAll(leaderThreads.threadIds());
            followerThreads.forEach(threads -> allThreadIds.addAll(threads.threadIds()));
            allThreadIds.addAll(clientThreads.threadIds());
            SkeletonClient client = new SkeletonClient(warmupWrites, totalWrites, allThreadIds, done);
            List<Channel> clientChannels = new ArrayList<>();
            for (int connection = 0; connection < connections; connection++) {
                int connectionInFlight = inFlight / connections + (connection < inFlight % connections ? 1 : 0);
                Channel channel = SkeletonNetwork.connect(clientThreads.group(), (InetSocketAddress) leaderServer.localAddress(),
                        new SkeletonClientConnection(client, connectionInFlight, payloadBytes));
                channels.add(channel);
                clientChannels.add(channel);
            }
            // Every connection up before the first request, so the measured writes see all of them.
            clientThreads.loop().execute(() -> client.start(clientChannels));
            Histogram latencyNanos;
            try {
                latencyNanos = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IOException("majority-write skeleton: not done after " + TIMEOUT_SECONDS + " s ("
                        + placement.label() + ", " + inFlight + " in flight)", e);
            }
            long[] cpuNanos = client.cpuNanosMeasured();

            int index = 0;
            long leaderNanos = 0;
            for (int i = 0; i < leaderThreads.threadIds().size(); i++) leaderNanos += cpuNanos[index++];
            long followersNanos = 0;
            for (SkeletonThreads threads : followerThreads) {
                for (int i = 0; i < threads.threadIds().size(); i++) followersNanos += cpuNanos[index++];
            }
            long clientNanos = cpuNanos[index];
            for (long nanos : cpuNanos) {
                if (nanos < 0) throw new IOException("this JVM does not give threads' CPU time (ThreadMXBean)");
            }
            double perWrite = 1000.0 * writes;
            return new Result(placement, clusterSize, writes,
                    latencyNanos.getValueAtPercentile(50) / 1000.0, latencyNanos.getValueAtPercentile(99) / 1000.0,
                    leaderNanos / perWrite, followersNanos / perWrite / (clusterSize - 1), clientNanos / perWrite,
                    inFlight, connections, payloadBytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted measuring the majority-write skeleton", e);
        } catch (ExecutionException e) {
            throw new IOException("majority-write skeleton failed: " + e.getCause(), e.getCause());
        } finally {
            for (Channel channel : channels) channel.close().awaitUninterruptibly();
            // The fsync threads first: a follower whose acknowledgement was not needed may still be in its fsync, and
            // would hand its completion to an event loop already shut down.
            for (ExecutorService executor : fsyncThreads) {
                executor.shutdown();
                try {
                    executor.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (EventLoopGroup group : groups) group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            for (SkeletonDurable durable : durables) durable.close();
        }
    }

    /**
     * Prints both placements as {@link #measureTurns} measures them: {@code [--dir D] [--writes N] [--warmup N]
     * [--turns N] [--in-flight N] [--connections N] [--payload-bytes N]} (defaults: ., 2000, {@link Floor}'s warm-up,
     * 5, 1, 1, {@value #DEFAULT_PAYLOAD_BYTES}).
     */
    public static void main(String[] args) throws IOException {
        Path directory = Path.of(".");
        int writes = 2000;
        int turns = 5;
        int warmupWrites = -1;
        int inFlight = 1;
        int connections = 1;
        int payloadBytes = DEFAULT_PAYLOAD_BYTES;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> directory = Path.of(args[i + 1]);
                case "--writes" -> writes = Integer.parseInt(args[i + 1]);
                case "--turns" -> turns = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmupWrites = Integer.parseInt(args[i + 1]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--payload-bytes" -> payloadBytes = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: MajorityWriteSkeleton [--dir D] [--writes N] [--warmup N] [--turns N] [--in-flight N] [--connections N] [--payload-bytes N]");
            }
        }
        for (Result result : measureTurns(directory, Floor.DEFAULT_CLUSTER_SIZE,
                warmupWrites >= 0 ? warmupWrites : Floor.SKELETON_WARMUP_WRITES, writes, turns, inFlight, connections,
                payloadBytes)) {
            System.out.printf(Locale.ROOT, "%-15s %d in flight on %d connections, %d-byte payload: p50 %6.0f us p99 %6.0f us  CPU per write: leader %5.1f"
                            + " follower %5.1f client %5.1f total %6.1f us (medians of %d turns)%n",
                    result.placement().label(), inFlight, connections, payloadBytes, result.writeMicrosP50(), result.writeMicrosP99(),
                    result.leaderCpuMicrosPerWrite(), result.followerCpuMicrosPerWrite(),
                    result.clientCpuMicrosPerWrite(), result.totalCpuMicrosPerWrite(), turns);
        }
    }
}
