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
 * the suite uses, one write in flight:
 *
 * <ol>
 *   <li>the client sends an 8-byte request to the leader;</li>
 *   <li>the leader sends it to every follower and makes a 64-byte record durable in a preallocated file of its own
 *       (write + {@code force(false)}, {@link FsyncProbe}'s small durable write);</li>
 *   <li>each follower makes the record durable in its own file, then acknowledges;</li>
 *   <li>once its own record is durable and a majority counting itself holds it (Raft §5.3: the leader's own log
 *       counts; §10.2.1: the leader may write its log in parallel with replicating), the leader answers the
 *       client, which sends the next.</li>
 * </ol>
 *
 * No log, no terms, no encoding, no state machine, no timers, no batching: what is left is what a majority write
 * cannot do without, so the CPU per write of each role here is a floor for the same role in a node, and the cost of
 * everything Raft and the node add is the difference. {@link FsyncPlacement#EVENT_LOOP} makes records durable on
 * the event loop (no hand-off; the floor); {@link FsyncPlacement#SEPARATE_THREAD} hands each fsync to a thread of the
 * node's own and back, as kvnode's WAL thread does, so the two differ by what the hand-off costs.
 *
 * <p>The latency is a diagnostic only, not the majority-write floor ({@link FloorResult#majorityWriteFloorMicros()}):
 * the four threads share the machine's cores, so it includes their waits for a CPU.
 */
public final class MajorityWriteSkeleton {

    private static final int MESSAGE_BYTES = 8;
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
     */
    public record Result(FsyncPlacement placement, int clusterSize, int writes, double writeMicrosP50,
            double writeMicrosP99, double leaderCpuMicrosPerWrite, double followerCpuMicrosPerWrite,
            double clientCpuMicrosPerWrite) {

        /** Every process of the cluster and its client: leader + each follower + client. */
        public double totalCpuMicrosPerWrite() {
            return leaderCpuMicrosPerWrite + (clusterSize - 1) * followerCpuMicrosPerWrite + clientCpuMicrosPerWrite;
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
    public static List<Result> measureTurns(Path directory, int clusterSize, int warmupWrites, int writes, int turns)
            throws IOException {
        if (turns < 1) throw new IllegalArgumentException("turns must be >= 1, got " + turns);
        if (writes < turns) throw new IllegalArgumentException("writes must be >= turns, got " + writes);
        List<Result> results = new ArrayList<>();
        List<List<Result>> byPlacement = new ArrayList<>();
        for (FsyncPlacement placement : FsyncPlacement.values()) {
            if (warmupWrites > 0) measure(directory, clusterSize, 0, warmupWrites, placement);
            byPlacement.add(new ArrayList<>());
        }
        for (int turn = 0; turn < turns; turn++) {
            int turnWrites = writes / turns + (turn < writes % turns ? 1 : 0);
            for (FsyncPlacement placement : FsyncPlacement.values()) {
                byPlacement.get(placement.ordinal()).add(measure(directory, clusterSize, 0, turnWrites, placement));
            }
        }
        for (FsyncPlacement placement : FsyncPlacement.values()) {
            List<Result> runs = byPlacement.get(placement.ordinal());
            results.add(new Result(placement, clusterSize, writes, median(runs, Result::writeMicrosP50),
                    median(runs, Result::writeMicrosP99), median(runs, Result::leaderCpuMicrosPerWrite),
                    median(runs, Result::followerCpuMicrosPerWrite), median(runs, Result::clientCpuMicrosPerWrite)));
        }
        return results;
    }

    /** The median of one field over runs (the mean of the middle two for an even count). */
    static double median(List<Result> runs, java.util.function.ToDoubleFunction<Result> field) {
        double[] values = runs.stream().mapToDouble(field).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** {@code writes} measured writes after {@code warmupWrites} discarded ones; scratch files in {@code directory}. */
    public static Result measure(Path directory, int clusterSize, int warmupWrites, int writes, FsyncPlacement placement)
            throws IOException {
        if (clusterSize < 2) throw new IllegalArgumentException("clusterSize must be >= 2, got " + clusterSize);
        if (writes < 1) throw new IllegalArgumentException("writes must be >= 1, got " + writes);
        if (warmupWrites < 0) throw new IllegalArgumentException("warmupWrites must be >= 0, got " + warmupWrites);
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
                Durable durable = Durable.open(directory, totalWrites, threads.fsyncExecutor(), threads.loop(), done);
                durables.add(durable);
                Channel server = listen(threads.group(), () -> new FollowerHandler(durable, done));
                channels.add(server);
                followerAddresses.add((InetSocketAddress) server.localAddress());
                followerThreads.add(threads);
            }
            NodeThreads leaderThreads = NodeThreads.start("leader", placement, groups, fsyncThreads);
            Durable leaderDurable = Durable.open(directory, totalWrites, leaderThreads.fsyncExecutor(),
                    leaderThreads.loop(), done);
            durables.add(leaderDurable);
            LeaderHandler leader = new LeaderHandler(leaderDurable, clusterSize / 2, done);
            for (InetSocketAddress address : followerAddresses) {
                Channel toFollower = connect(leaderThreads.group(), address, leader.ackHandler());
                channels.add(toFollower);
                leader.followers.add(toFollower);
            }
            Channel leaderServer = listen(leaderThreads.group(), () -> leader);
            channels.add(leaderServer);

            NodeThreads clientThreads = NodeThreads.start("client", FsyncPlacement.EVENT_LOOP, groups, fsyncThreads);
            List<Long> allThreadIds = new ArrayList<>();
            allThreadIds.addAll(leaderThreads.threadIds());
            followerThreads.forEach(threads -> allThreadIds.addAll(threads.threadIds()));
            allThreadIds.addAll(clientThreads.threadIds());
            ClientHandler client = new ClientHandler(warmupWrites, totalWrites, allThreadIds, done);
            channels.add(connect(clientThreads.group(), (InetSocketAddress) leaderServer.localAddress(), client));
            Histogram latencyNanos = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            long[] cpuNanos = client.cpuNanosMeasured();

            int index = 0;
            long leaderNanos = 0;
            for (int i = 0; i < leaderThreads.threadIds().size(); i++) leaderNanos += cpuNanos[index++];
            long followersNanos = 0;
            for (NodeThreads threads : followerThreads) {
                for (int i = 0; i < threads.threadIds().size(); i++) followersNanos += cpuNanos[index++];
            }
            long clientNanos = cpuNanos[index];
            double perWrite = 1000.0 * writes;
            return new Result(placement, clusterSize, writes,
                    latencyNanos.getValueAtPercentile(50) / 1000.0, latencyNanos.getValueAtPercentile(99) / 1000.0,
                    leaderNanos / perWrite, followersNanos / perWrite / (clusterSize - 1), clientNanos / perWrite);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted measuring the majority-write skeleton", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("majority-write skeleton failed: " + e.getMessage(), e);
        } finally {
            for (Channel channel : channels) channel.close().awaitUninterruptibly();
            for (EventLoopGroup group : groups) group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            for (ExecutorService executor : fsyncThreads) executor.shutdownNow();
            for (Durable durable : durables) durable.close();
        }
    }

    /**
     * Prints both placements as {@link #measureTurns} measures them: {@code [--dir D] [--writes N] [--warmup N] [--turns
     * N]} (defaults: ., 2000, {@link Floor}'s warm-up, 5).
     */
    public static void main(String[] args) throws IOException {
        Path directory = Path.of(".");
        int writes = 2000;
        int turns = 5;
        int warmupWrites = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> directory = Path.of(args[i + 1]);
                case "--writes" -> writes = Integer.parseInt(args[i + 1]);
                case "--turns" -> turns = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmupWrites = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: MajorityWriteSkeleton [--dir D] [--writes N] [--warmup N] [--turns N]");
            }
        }
        for (Result result : measureTurns(directory, Floor.DEFAULT_CLUSTER_SIZE,
                warmupWrites >= 0 ? warmupWrites : Floor.SKELETON_WARMUP_WRITES, writes, turns)) {
            System.out.printf(Locale.ROOT, "%-15s p50 %6.0f us p99 %6.0f us  CPU per write: leader %5.1f"
                            + " follower %5.1f client %5.1f total %6.1f us (medians of %d turns)%n",
                    result.placement().label(), result.writeMicrosP50(), result.writeMicrosP99(),
                    result.leaderCpuMicrosPerWrite(), result.followerCpuMicrosPerWrite(),
                    result.clientCpuMicrosPerWrite(), result.totalCpuMicrosPerWrite(), turns);
        }
    }

    private static Channel listen(EventLoopGroup group, java.util.function.Supplier<SimpleChannelInboundHandler<ByteBuf>> handler)
            throws InterruptedException {
        return new ServerBootstrap().group(group)
                .channel(NettyTransport.serverSocketChannelClass())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new FixedLengthFrameDecoder(MESSAGE_BYTES), handler.get());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    private static Channel connect(EventLoopGroup group, InetSocketAddress address,
            SimpleChannelInboundHandler<ByteBuf> handler) throws InterruptedException {
        return new Bootstrap().group(group).channel(NettyTransport.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new FixedLengthFrameDecoder(MESSAGE_BYTES), handler);
                    }
                })
                .connect(address).sync().channel();
    }

    private static void send(Channel channel, long sequence) {
        ByteBuf message = channel.alloc().buffer(MESSAGE_BYTES).writeLong(sequence);
        channel.writeAndFlush(message).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
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
     * A node's preallocated file: record {@code n} overwrites zeros made durable beforehand, so fdatasync writes the
     * block and flushes, as a WAL with preallocated segments does.
     */
    private static final class Durable {
        private final Path file;
        private final FileChannel channel;
        private final ByteBuffer record = ByteBuffer.allocateDirect(FsyncProbe.RECORD_BYTES);
        private final ExecutorService fsyncExecutor;
        private final EventLoop loop;
        private final int capacityRecords;
        private final CompletableFuture<Histogram> failed;

        private Durable(Path file, FileChannel channel, ExecutorService fsyncExecutor, EventLoop loop,
                int capacityRecords, CompletableFuture<Histogram> failed) {
            this.failed = failed;
            this.file = file;
            this.channel = channel;
            this.fsyncExecutor = fsyncExecutor;
            this.loop = loop;
            this.capacityRecords = capacityRecords;
        }

        static Durable open(Path directory, int records, ExecutorService fsyncExecutor, EventLoop loop,
                CompletableFuture<Histogram> failed) throws IOException {
            Path file = Files.createTempFile(directory, "floor-skeleton-", ".tmp");
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
            FsyncProbe.fillWithZeros(channel, (long) (records + 1) * FsyncProbe.RECORD_BYTES);
            return new Durable(file, channel, fsyncExecutor, loop, records + 1, failed);
        }

        /**
         * Makes record {@code sequence} durable, then runs {@code done} on the event loop: at once on the loop, or on
         * the fsync thread with the completion handed back.
         */
        void write(long sequence, LongConsumer done) {
            if (fsyncExecutor == null) {
                writeAndForce(sequence);
                done.accept(sequence);
            } else {
                fsyncExecutor.execute(() -> {
                    try {
                        writeAndForce(sequence);
                    } catch (RuntimeException e) {
                        failed.completeExceptionally(e); // no event loop saw it: end the measurement here
                        return;
                    }
                    loop.execute(() -> done.accept(sequence));
                });
            }
        }

        private void writeAndForce(long sequence) {
            try {
                FsyncProbe.timedWriteAndForce(channel, record,
                        (sequence % capacityRecords) * FsyncProbe.RECORD_BYTES, (int) sequence);
            } catch (IOException e) {
                throw new IllegalStateException("skeleton fsync failed: " + e.getMessage(), e);
            }
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

    /** Makes each request durable, then acknowledges it. */
    private static final class FollowerHandler extends NodeHandler {
        private final Durable durable;

        FollowerHandler(Durable durable, CompletableFuture<Histogram> done) {
            super(done);
            this.durable = durable;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
            durable.write(message.readLong(), sequence -> send(context.channel(), sequence));
        }
    }

    /**
     * Replicates each request, makes it durable, and answers once its own record is durable and {@code acksNeeded}
     * followers acknowledged it. One request is in flight at a time; a late follower's acknowledgement of an answered
     * request is ignored.
     */
    private static final class LeaderHandler extends NodeHandler {
        final List<Channel> followers = new ArrayList<>();
        private final Durable durable;
        private final int acksNeeded;
        private Channel client;
        private long inFlight = -1;
        private int acks;
        private boolean durableHere;
        private boolean answered;

        LeaderHandler(Durable durable, int acksNeeded, CompletableFuture<Histogram> done) {
            super(done);
            this.durable = durable;
            this.acksNeeded = acksNeeded;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
            client = context.channel();
            inFlight = message.readLong();
            acks = 0;
            durableHere = false;
            answered = false;
            for (Channel follower : followers) send(follower, inFlight);
            durable.write(inFlight, sequence -> {
                if (sequence == inFlight) {
                    durableHere = true;
                    answerIfCommitted();
                }
            });
        }

        SimpleChannelInboundHandler<ByteBuf> ackHandler() {
            return new NodeHandler(done) {
                @Override
                protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
                    if (message.readLong() == inFlight) {
                        acks++;
                        answerIfCommitted();
                    }
                }
            };
        }

        private void answerIfCommitted() {
            // Acknowledgements may all arrive before the leader's own fsync ends (SEPARATE_THREAD): at least, not exactly.
            if (!answered && durableHere && acks >= acksNeeded) {
                answered = true;
                send(client, inFlight);
            }
        }
    }

    /**
     * Sends request after request, timing each; reads every node's threads' CPU time when warm-up ends and when the
     * last write is answered.
     */
    private static final class ClientHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final CompletableFuture<Histogram> done;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final Histogram latencyNanos = new Histogram(3);
        private final int warmupWrites;
        private final int totalWrites;
        private final long[] threadIds;
        private final long[] cpuNanosAtStart;
        private final long[] cpuNanosMeasured;
        private long sequence;
        private long sentNanos;

        ClientHandler(int warmupWrites, int totalWrites, List<Long> threadIds, CompletableFuture<Histogram> done) {
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

        @Override
        public void channelActive(ChannelHandlerContext context) {
            if (warmupWrites == 0) readCpu(cpuNanosAtStart);
            sendNext(context);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ByteBuf message) {
            if (message.readLong() != sequence) {
                done.completeExceptionally(new IOException("answer out of order"));
                context.close();
                return;
            }
            long elapsedNanos = System.nanoTime() - sentNanos;
            sequence++;
            if (sequence > warmupWrites) latencyNanos.recordValue(elapsedNanos);
            if (sequence == warmupWrites) readCpu(cpuNanosAtStart);
            if (sequence == totalWrites) {
                readCpu(cpuNanosMeasured);
                for (int i = 0; i < threadIds.length; i++) cpuNanosMeasured[i] -= cpuNanosAtStart[i];
                done.complete(latencyNanos);
            } else {
                sendNext(context);
            }
        }

        private void readCpu(long[] into) {
            for (int i = 0; i < threadIds.length; i++) into[i] = threads.getThreadCpuTime(threadIds[i]);
        }

        private void sendNext(ChannelHandlerContext context) {
            sentNanos = System.nanoTime();
            send(context.channel(), sequence);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            done.completeExceptionally(new IOException("connection closed after " + sequence + " writes"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            done.completeExceptionally(cause);
            context.close();
        }
    }
}
