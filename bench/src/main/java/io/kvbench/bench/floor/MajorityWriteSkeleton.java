package io.kvbench.bench.floor;

import io.kvbench.bench.net.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
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
 * do without,
 * batched as far as one turn allows, so the CPU per write of each role here is a floor for the same role in a node at
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
    private static final int ID_BYTES = 8;
    /** A range's header: its first and last sequence. */
    private static final int RANGE_HEADER_BYTES = 16;
    private static final int MAX_RANGE_FRAME_BYTES = 64 << 20;
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
        List<Durable> durables = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        // Completed by the client with its histogram, or by whichever node fails first (a later failure, e.g. a late
        // acknowledgement written to a channel closed at teardown, finds it complete and is dropped).
        CompletableFuture<Histogram> done = new CompletableFuture<>();
        try {
            List<NodeThreads> followerThreads = new ArrayList<>();
            List<InetSocketAddress> followerAddresses = new ArrayList<>();
            for (int follower = 1; follower < clusterSize; follower++) {
                NodeThreads threads = NodeThreads.start("follower" + follower, placement, groups, fsyncThreads);
                Durable durable = Durable.open(directory, totalWrites, payloadBytes, threads.fsyncExecutor(), threads.loop(), done,
                        follower == 1 ? faults.firstFollowerFsyncExtraNanos() : faults.otherFollowersFsyncExtraNanos(),
                        false);
                durables.add(durable);
                Channel server = listenForRanges(threads.group(), () -> new FollowerHandler(durable, threads.loop(), done));
                channels.add(server);
                followerAddresses.add((InetSocketAddress) server.localAddress());
                followerThreads.add(threads);
            }
            NodeThreads leaderThreads = NodeThreads.start("leader", placement, groups, fsyncThreads);
            Durable leaderDurable = Durable.open(directory, totalWrites, payloadBytes, leaderThreads.fsyncExecutor(),
                    leaderThreads.loop(), done, faults.leaderFsyncExtraNanos(), faults.leaderFsyncFails());
            durables.add(leaderDurable);
            LeaderHandler leader = new LeaderHandler(leaderDurable, leaderThreads.loop(), clusterSize - 1,
                    clusterSize / 2, totalWrites, payloadBytes, done);
            for (int follower = 0; follower < followerAddresses.size(); follower++) {
                Channel toFollower = connect(leaderThreads.group(), followerAddresses.get(follower),
                        leader.ackHandler(follower));
                channels.add(toFollower);
                leader.followers.add(toFollower);
            }
            Channel leaderServer = listen(leaderThreads.group(), ID_BYTES + payloadBytes, () -> leader);
            channels.add(leaderServer);

            NodeThreads clientThreads = NodeThreads.start("client", FsyncPlacement.EVENT_LOOP, groups, fsyncThreads);
            List<Long> allThreadIds = new ArrayList<>();
            allThreadIds.addAll(leaderThreads.threadIds());
            followerThreads.forEach(threads -> allThreadIds.addAll(threads.threadIds()));
            allThreadIds.addAll(clientThreads.threadIds());
            ClientState client = new ClientState(warmupWrites, totalWrites, allThreadIds, done);
            List<Channel> clientChannels = new ArrayList<>();
            for (int connection = 0; connection < connections; connection++) {
                int connectionInFlight = inFlight / connections + (connection < inFlight % connections ? 1 : 0);
                Channel channel = connect(clientThreads.group(), (InetSocketAddress) leaderServer.localAddress(),
                        new ClientConnection(client, connectionInFlight, payloadBytes));
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
            for (NodeThreads threads : followerThreads) {
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
            for (Durable durable : durables) durable.close();
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

    private static Channel listen(EventLoopGroup group, int frameBytes,
            java.util.function.Supplier<SimpleChannelInboundHandler<ByteBuf>> handler) throws InterruptedException {
        return new ServerBootstrap().group(group)
                .channel(NettyTransport.serverSocketChannelClass())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new FixedLengthFrameDecoder(frameBytes), handler.get());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** A follower's server: ranges, each a 4-byte length, then its header and its writes' payload. */
    private static Channel listenForRanges(EventLoopGroup group,
            java.util.function.Supplier<SimpleChannelInboundHandler<ByteBuf>> handler) throws InterruptedException {
        return new ServerBootstrap().group(group)
                .channel(NettyTransport.serverSocketChannelClass())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_RANGE_FRAME_BYTES, 0, 4, 0, 4),
                                handler.get());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Connects a channel whose incoming frames are 8 bytes: acknowledgements, answers. */
    private static Channel connect(EventLoopGroup group, InetSocketAddress address,
            SimpleChannelInboundHandler<ByteBuf> handler) throws InterruptedException {
        return new Bootstrap().group(group).channel(NettyTransport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new FixedLengthFrameDecoder(ID_BYTES), handler);
                    }
                })
                .connect(address).sync().channel();
    }

    /** Writes one 8-byte message; flushes it when {@code flush}. */
    private static void send(Channel channel, long sequence, boolean flush) {
        ByteBuf message = channel.alloc().buffer(ID_BYTES).writeLong(sequence);
        if (flush) {
            channel.writeAndFlush(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        } else {
            channel.write(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }
    }

    /** A node's event loop (one thread) and, for {@link FsyncPlacement#SEPARATE_THREAD}, its fsync thread. */
    private record NodeThreads(EventLoopGroup group, EventLoop loop, ExecutorService fsyncExecutor,
            List<Long> threadIds) {

        static NodeThreads start(String name, FsyncPlacement placement, List<EventLoopGroup> groups,
                List<ExecutorService> fsyncThreads) throws InterruptedException, ExecutionException {
            EventLoopGroup group = NettyTransport.newEventLoopGroup(1);
            groups.add(group);
            EventLoop loop = group.next();
            List<Long> ids = new ArrayList<>();
            ids.add(loop.submit(() -> Thread.currentThread().getId()).get());
            ExecutorService fsyncExecutor = null;
            if (placement == FsyncPlacement.SEPARATE_THREAD) {
                fsyncExecutor = Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "skeleton-fsync-" + name);
                    thread.setDaemon(true);
                    return thread;
                });
                fsyncThreads.add(fsyncExecutor);
                ids.add(fsyncExecutor.submit(() -> Thread.currentThread().getId()).get());
            }
            return new NodeThreads(group, loop, fsyncExecutor, List.copyOf(ids));
        }
    }

    /**
     * A node's preallocated file, written like a WAL's preallocated segment: each fsync writes the bytes asked for since
     * the last (at least {@link FsyncProbe#RECORD_BYTES}) over zeros made durable beforehand, so fdatasync writes the
     * blocks and flushes, nothing else. Used on the node's event loop only; with a fsync thread, one fsync at a time
     * runs there and what is asked for meanwhile shares the next (a group commit, as kvnode's WAL thread drains its
     * queue). The bytes written are a buffer of its own, not the received ones: the copy into the page cache costs the
     * same.
     */
    private static final class Durable {
        private final Path file;
        private final FileChannel channel;
        private final long fileBytes;
        private final ExecutorService fsyncExecutor;
        private final EventLoop loop;
        private final CompletableFuture<Histogram> failed;
        private final long extraNanos;
        private final boolean fails;
        private LongConsumer onDurable;
        private long requestedUpTo = -1;
        private long pendingBytes;
        private boolean fsyncRunning;
        /** The writer's own (the event loop, or the fsync thread while {@code fsyncRunning}). */
        private ByteBuffer block = ByteBuffer.allocateDirect(FsyncProbe.RECORD_BYTES);
        private long position;
        private long fsyncs;

        private Durable(Path file, FileChannel channel, long fileBytes, ExecutorService fsyncExecutor, EventLoop loop,
                CompletableFuture<Histogram> failed, long extraNanos, boolean fails) {
            this.file = file;
            this.channel = channel;
            this.fileBytes = fileBytes;
            this.fsyncExecutor = fsyncExecutor;
            this.loop = loop;
            this.failed = failed;
            this.extraNanos = extraNanos;
            this.fails = fails;
        }

        /** Room for {@code writes} writes of {@code payloadBytes} and as many fsyncs of at least a record each. */
        static Durable open(Path directory, int writes, int payloadBytes, ExecutorService fsyncExecutor, EventLoop loop,
                CompletableFuture<Histogram> failed, long extraNanos, boolean fails) throws IOException {
            Path file = Files.createTempFile(directory, "floor-skeleton-", ".tmp");
            long fileBytes = (long) writes * payloadBytes + (long) (writes + 1) * FsyncProbe.RECORD_BYTES;
            FileChannel channel = null;
            try {
                channel = FileChannel.open(file, StandardOpenOption.WRITE);
                FsyncProbe.fillWithZeros(channel, fileBytes);
                return new Durable(file, channel, fileBytes, fsyncExecutor, loop, failed, extraNanos, fails);
            } catch (IOException | RuntimeException e) {
                if (channel != null) channel.close();
                Files.deleteIfExists(file);
                throw e;
            }
        }

        /**
         * Makes everything up to {@code sequence}, {@code bytes} more, durable, then runs {@code onDurable} with the
         * highest sequence made durable, on the event loop: at once on the loop, or after the fsync thread's next fsync.
         */
        void write(long sequence, long bytes, LongConsumer onDurable) {
            this.onDurable = onDurable;
            requestedUpTo = Math.max(requestedUpTo, sequence);
            pendingBytes += bytes;
            if (fsyncExecutor == null) {
                long toWrite = takePendingBytes();
                writeAndForce(toWrite);
                onDurable.accept(requestedUpTo);
            } else if (!fsyncRunning) {
                startFsync();
            }
        }

        private long takePendingBytes() {
            long bytes = Math.max(FsyncProbe.RECORD_BYTES, pendingBytes);
            pendingBytes = 0;
            return bytes;
        }

        private void startFsync() {
            fsyncRunning = true;
            long upTo = requestedUpTo;
            long bytes = takePendingBytes();
            fsyncExecutor.execute(() -> {
                try {
                    writeAndForce(bytes);
                    loop.execute(() -> {
                        try {
                            fsyncRunning = false;
                            onDurable.accept(upTo);
                            if (requestedUpTo > upTo) startFsync();
                        } catch (Throwable thrown) {
                            failed.completeExceptionally(thrown);
                        }
                    });
                } catch (Throwable thrown) {
                    // No handler sees a failure here (nor a loop already shut down at teardown): end the measurement.
                    failed.completeExceptionally(thrown);
                }
            });
        }

        /** Runs on one thread at a time: the event loop, or the fsync thread while {@code fsyncRunning}. */
        private void writeAndForce(long bytes) {
            if (fails) throw new IllegalStateException("skeleton fsync failed (injected)");
            if (extraNanos > 0) java.util.concurrent.locks.LockSupport.parkNanos(extraNanos); // a slow disk (tests)
            if (bytes > block.capacity()) block = ByteBuffer.allocateDirect((int) bytes);
            if (position + bytes > fileBytes) position = 0; // not reached: the file has room for every write
            try {
                block.clear().limit((int) bytes);
                block.putLong(0, fsyncs++);
                while (block.hasRemaining()) channel.write(block, position + block.position());
                channel.force(false);
            } catch (IOException e) {
                throw new IllegalStateException("skeleton fsync failed: " + e.getMessage(), e);
            }
            position += bytes;
        }

        void close() {
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // scratch file: nothing to lose
            }
        }
    }

    /** A node's handler: any failure ends the measurement (see {@code done} in {@link #measure}). */
    private abstract static class NodeHandler extends SimpleChannelInboundHandler<ByteBuf> {
        final CompletableFuture<Histogram> done;

        NodeHandler(CompletableFuture<Histogram> done) {
            this.done = done;
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            done.completeExceptionally(cause);
            context.close();
        }
    }

    /**
     * At the end of each event-loop turn that read ranges (a task queued behind the turn's reads, as kvnode's driver
     * works per turn), makes them durable with one fsync, then acknowledges the highest sequence held.
     */
    private static final class FollowerHandler extends NodeHandler {
        private final Durable durable;
        private final EventLoop loop;
        private Channel leader;
        private long receivedUpTo = -1;
        private long writtenUpTo = -1;
        private long receivedBytes;
        private boolean turnEndQueued;

        FollowerHandler(Durable durable, EventLoop loop, CompletableFuture<Histogram> done) {
            super(done);
            this.durable = durable;
            this.loop = loop;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
            leader = context.channel();
            message.readLong(); // the range's first sequence: the follower holds everything up to its last
            receivedUpTo = Math.max(receivedUpTo, message.readLong());
            receivedBytes += message.readableBytes(); // the range's writes' payload
            if (!turnEndQueued) {
                turnEndQueued = true;
                loop.execute(this::endOfTurn);
            }
        }

        private void endOfTurn() {
            turnEndQueued = false;
            try {
                if (receivedUpTo > writtenUpTo) {
                    writtenUpTo = receivedUpTo;
                    Channel toLeader = leader;
                    long bytes = receivedBytes;
                    receivedBytes = 0;
                    durable.write(writtenUpTo, bytes, sequence -> send(toLeader, sequence, true));
                }
            } catch (Throwable thrown) {
                done.completeExceptionally(thrown); // a task's exception reaches no handler: end the measurement
            }
        }
    }

    /**
     * Gives each request the next sequence, replicates each turn's requests as one range and makes them durable with
     * one fsync, and answers every request held by a majority counting itself ({@code acksNeeded} followers) once its
     * own record is durable, each connection flushed once per turn.
     */
    private static final class LeaderHandler extends NodeHandler {
        final List<Channel> followers = new ArrayList<>();
        private final Durable durable;
        private final EventLoop loop;
        private final int acksNeeded;
        private final long[] ackedUpTo;
        /** By sequence: the connection that asked and its own request id, to answer it. */
        private final Channel[] requesters;
        private final long[] requestIds;
        private final java.util.Set<Channel> answeredThisTurn = new java.util.LinkedHashSet<>();
        private long receivedUpTo = -1;
        private long replicatedUpTo = -1;
        private long durableUpTo = -1;
        private long answeredUpTo = -1;
        private boolean turnEndQueued;

        private final int payloadBytes;
        /** The turn's requests' payload, in sequence order: what the turn's range carries. */
        private ByteBuf turnPayload;

        LeaderHandler(Durable durable, EventLoop loop, int followerCount, int acksNeeded, int totalWrites,
                int payloadBytes, CompletableFuture<Histogram> done) {
            super(done);
            this.payloadBytes = payloadBytes;
            this.durable = durable;
            this.loop = loop;
            this.acksNeeded = acksNeeded;
            this.ackedUpTo = new long[followerCount];
            java.util.Arrays.fill(ackedUpTo, -1);
            this.requesters = new Channel[totalWrites];
            this.requestIds = new long[totalWrites];
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
            int sequence = (int) ++receivedUpTo;
            if (sequence >= requesters.length) {
                throw new IllegalStateException("more requests than the " + requesters.length + " writes asked for");
            }
            requesters[sequence] = context.channel();
            requestIds[sequence] = message.readLong();
            if (turnPayload == null) turnPayload = context.alloc().buffer();
            turnPayload.writeBytes(message, payloadBytes);
            queueEndOfTurn();
        }

        private void queueEndOfTurn() {
            if (!turnEndQueued) {
                turnEndQueued = true;
                loop.execute(this::endOfTurn);
            }
        }

        /** After the turn's reads: replicate and persist what arrived, answer what became committed. */
        private void endOfTurn() {
            turnEndQueued = false;
            try {
                replicateAndAnswer();
            } catch (Throwable thrown) {
                done.completeExceptionally(thrown); // a task's exception reaches no handler: end the measurement
            }
        }

        private void replicateAndAnswer() {
            if (receivedUpTo > replicatedUpTo) {
                long first = replicatedUpTo + 1;
                replicatedUpTo = receivedUpTo;
                ByteBuf payload = turnPayload;
                turnPayload = null;
                int bytes = payload.readableBytes();
                for (Channel follower : followers) {
                    // Header and payload in one gathering write per follower; the payload is shared, not copied.
                    ByteBuf header = follower.alloc().buffer(4 + RANGE_HEADER_BYTES)
                            .writeInt(RANGE_HEADER_BYTES + bytes).writeLong(first).writeLong(replicatedUpTo);
                    follower.write(header).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
                    follower.writeAndFlush(payload.retainedDuplicate())
                            .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
                }
                payload.release();
                durable.write(replicatedUpTo, bytes, sequence -> {
                    durableUpTo = Math.max(durableUpTo, sequence);
                    answerCommitted();
                });
            }
            answerCommitted();
        }

        SimpleChannelInboundHandler<ByteBuf> ackHandler(int follower) {
            return new NodeHandler(done) {
                @Override
                protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
                    ackedUpTo[follower] = Math.max(ackedUpTo[follower], message.readLong());
                    queueEndOfTurn();
                }
            };
        }

        /** Answers every request durable here and acknowledged by {@code acksNeeded} followers; one flush each. */
        private void answerCommitted() {
            long[] acked = ackedUpTo.clone();
            java.util.Arrays.sort(acked);
            long committedUpTo = Math.min(durableUpTo, acked[acked.length - acksNeeded]);
            if (committedUpTo <= answeredUpTo) return;
            for (long sequence = answeredUpTo + 1; sequence <= committedUpTo; sequence++) {
                Channel requester = requesters[(int) sequence];
                send(requester, requestIds[(int) sequence], false);
                answeredThisTurn.add(requester);
            }
            answeredUpTo = committedUpTo;
            for (Channel requester : answeredThisTurn) requester.flush();
            answeredThisTurn.clear();
        }
    }

    /**
     * The client's shared count of writes sent and answered, on its one event loop: times each write, reads every
     * node's threads' CPU time when warm-up ends and when the last write is answered.
     */
    private static final class ClientState {
        private final CompletableFuture<Histogram> done;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final Histogram latencyNanos = new Histogram(3);
        private final int warmupWrites;
        private final int totalWrites;
        private final long[] threadIds;
        private final long[] cpuNanosAtStart;
        private final long[] cpuNanosMeasured;
        private int sent;
        private int answered;

        ClientState(int warmupWrites, int totalWrites, List<Long> threadIds, CompletableFuture<Histogram> done) {
            this.done = done;
            this.warmupWrites = warmupWrites;
            this.totalWrites = totalWrites;
            this.threadIds = threadIds.stream().mapToLong(Long::longValue).toArray();
            this.cpuNanosAtStart = new long[threadIds.size()];
            this.cpuNanosMeasured = new long[threadIds.size()];
        }

        long[] cpuNanosMeasured() {
            return cpuNanosMeasured.clone();
        }

        /** Each connection sends its share of the writes in flight, one flush each. */
        void start(List<Channel> connections) {
            if (warmupWrites == 0) readCpu(cpuNanosAtStart);
            for (Channel channel : connections) {
                ClientConnection connection = channel.pipeline().get(ClientConnection.class);
                for (int i = 0; i < connection.inFlight && mayStartAnother(); i++) connection.sendNext(channel);
                channel.flush();
            }
        }

        boolean mayStartAnother() {
            return sent < totalWrites;
        }

        void recordSent() {
            sent++;
        }

        /** Counts one answer; returns whether to send another. */
        boolean answered(long elapsedNanos) {
            answered++;
            if (answered > warmupWrites) latencyNanos.recordValue(elapsedNanos);
            if (answered == warmupWrites) readCpu(cpuNanosAtStart);
            if (answered == totalWrites) {
                readCpu(cpuNanosMeasured);
                for (int i = 0; i < threadIds.length; i++) cpuNanosMeasured[i] -= cpuNanosAtStart[i];
                done.complete(latencyNanos);
                return false;
            }
            return mayStartAnother();
        }

        void fail(Throwable cause) {
            done.completeExceptionally(cause);
        }

        private void readCpu(long[] into) {
            for (int i = 0; i < threadIds.length; i++) into[i] = threads.getThreadCpuTime(threadIds[i]);
        }
    }

    /** One client connection: its writes in flight, answered in the order sent; the next sent for each answer. */
    private static final class ClientConnection extends SimpleChannelInboundHandler<ByteBuf> {
        private final ClientState client;
        final int inFlight;
        private final int payloadBytes;
        private final java.util.ArrayDeque<long[]> sentInOrder = new java.util.ArrayDeque<>();
        private long nextRequestId;

        ClientConnection(ClientState client, int inFlight, int payloadBytes) {
            this.client = client;
            this.inFlight = inFlight;
            this.payloadBytes = payloadBytes;
        }

        void sendNext(Channel channel) {
            long requestId = nextRequestId++;
            sentInOrder.add(new long[] {requestId, System.nanoTime()});
            client.recordSent();
            ByteBuf request = channel.alloc().buffer(ID_BYTES + payloadBytes).writeLong(requestId).writeZero(payloadBytes);
            channel.write(request).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
            long requestId = message.readLong();
            long[] oldest = sentInOrder.poll();
            if (oldest == null || oldest[0] != requestId) {
                client.fail(new IOException("answer " + requestId + " where "
                        + (oldest == null ? "none" : String.valueOf(oldest[0])) + " was due"));
                context.close();
                return;
            }
            if (client.answered(System.nanoTime() - oldest[1])) sendNext(context.channel());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            context.flush(); // this connection's next requests in one write
            context.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            client.fail(new IOException("a client connection closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            client.fail(cause);
            context.close();
        }
    }
}
