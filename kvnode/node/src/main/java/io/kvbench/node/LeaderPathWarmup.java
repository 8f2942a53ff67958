package io.kvbench.node;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.kvbench.driver.DriverConfig;
import io.kvbench.driver.ReplicaDriver;
import io.kvbench.driver.ReceivedSnapshot;
import io.kvbench.driver.StorageWithoutSnapshots;
import io.kvbench.driver.TimeSource;
import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.net.ClientCodec;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.net.ClientRequest;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.FrameType;
import io.kvbench.net.PeerCodec;
import io.kvbench.net.WireFormat;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Message;
import io.kvbench.raft.RaftConfig;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Role;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Runs the request path on scratch objects before the node serves: an election among three in-memory
 * {@link ReplicaDriver}s (the class the node runs), then a session and {@link #rounds()} rounds of writes,
 * compare-and-sets and linearizable reads through the drivers, the state machine, the peer codec (every message is
 * encoded and decoded) and the response codec, on the leader's side and the followers'. Touches no disk, socket or
 * shared state: storage here completes when the scratch cluster settles.
 * <p>
 * Why: a node that has never led since it started runs that path for the first time right after it wins an
 * election, exactly when every client is waiting on it. Loading, verifying and interpreting those classes then
 * cost 1 to 3 ms per request on a busy 2-core machine (measured in chaos campaigns: the first four requests after
 * an election took 5.6 ms to propose), and a restarted node ran interpreted for its first second or two, using a
 * whole core while it took part in the next election. Here that cost moves to start-up, where nobody waits.
 */
final class LeaderPathWarmup {
    private static final List<Integer> VOTERS = List.of(1, 2, 3);
    private static final int MAX_TICKS = 10_000;
    /**
     * Rounds of put, cas, delete and get: enough for C1 to compile the request path (its thresholds are a few
     * hundred calls), after which the node waits for the compiler to go quiet ({@link CompilerQueue}) before it
     * serves. A node restarted after a kill is one of the two survivors the next election needs; with 20 rounds
     * it still ran this path interpreted and compiled it then. Measured, 6 interleaved pairs of 30 leader kills
     * 1.5 s apart: unavailability p50 20.9 ms with 1000 rounds and the wait against 22.2 ms with 20 rounds (pooled;
     * better in 5 of 6 pairs), kill to first close seen 8.1 vs 8.5 ms, for about 230 ms more start-up (warm-up p50
     * 322 vs 95 ms, of which 89 ms waiting for the compiler). 300 rounds without the wait, tried earlier, left the
     * compiling to run after the node was up: no gain. Those nodes (chaos campaigns, the demo) compile with C1 only.
     */
    static final int ROUNDS_C1_ONLY = 1000;
    /**
     * With C2 (`kvbench cluster start`, `kvbench load`'s own cluster, the reference runs), 1000 rounds made the first
     * seconds of real load slower, not faster: sequential writes in seconds 4-14 after start, interleaved, p50 median
     * 1,326 us over 7 runs against 976 us over 6 with 20 rounds (equal after 20-30 s); again after this split, 4
     * pairs: 877/912/949/815 us (1000) against 691/728/560/731 us (20), though the very first second is slower with 20
     * (3 of 4 pairs). A guess at why: C2 compiles the scratch cluster's profile, then recompiles for the real one.
     */
    static final int ROUNDS_WITH_C2 = 20;

    private final Map<Integer, ReplicaDriver> drivers = new LinkedHashMap<>();
    private final Map<Integer, ScratchStorage> storages = new LinkedHashMap<>();
    /** Sent and not yet delivered: delivered by {@link #settle}, never from inside a driver's own call. */
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    private final List<ClientResponse> responses = new ArrayList<>();
    private long nextRequestId = 1;

    private LeaderPathWarmup(NodeConfig config) {
        RaftConfig real = config.raftConfig();
        DriverConfig realDriver = config.driverConfig();
        for (int id : VOTERS) {
            RaftConfig raft = RaftConfig.defaults(id, VOTERS).withTimeouts(real.electionTimeoutMinTicks(),
                    real.electionTimeoutMaxTicks(), real.heartbeatIntervalTicks(), real.leaderLostTimeoutMaxTicks());
            // No snapshots here: they run off the core thread in the node, and would only slow start-up.
            DriverConfig scratch = new DriverConfig(id, realDriver.clientAddresses(), true,
                    realDriver.maxPendingRequests(), realDriver.maxParkedRequests(), realDriver.parkTimeoutNanos(),
                    Long.MAX_VALUE);
            ScratchStorage storage = new ScratchStorage();
            storages.put(id, storage);
            // A scratch measurements observer: warms the recording path too.
            drivers.put(id, new ReplicaDriver(scratch, new RaftCore(raft, new Random(id)),
                    new KvStateMachine(16, 60_000, 16), storage, inFlight::add, TimeSource.SYSTEM, new NodeMeasurements()));
        }
    }

    /** Runs the scratch cluster; returns the leader's answers (for tests: every one a Result). */
    static List<ClientResponse> run(NodeConfig config) {
        LeaderPathWarmup warmup = new LeaderPathWarmup(config);
        warmup.electNodeOne();
        ReplicaDriver leader = warmup.drivers.get(1);
        long clientId = warmup.command(leader, new KvCommand.RegisterSession()) instanceof KvResult.SessionRegistered registered
                ? registered.clientId() : 0;
        byte[] value = "warm".getBytes(StandardCharsets.UTF_8);
        long seq = 0;
        int rounds = rounds();
        for (int round = 0; round < rounds; round++) {
            String key = "warmup-" + (round % 64);
            warmup.command(leader, new KvCommand.Put(clientId, ++seq, seq, key, value));
            warmup.command(leader, new KvCommand.Cas(clientId, ++seq, seq, key, value, value));
            warmup.command(leader, new KvCommand.Delete(clientId, ++seq, seq, key));
            warmup.read(leader, key);
        }
        return warmup.responses;
    }

    /** {@link #ROUNDS_C1_ONLY} in a JVM whose JIT stops at C1 ({@code -XX:TieredStopAtLevel=1..3}), else {@link #ROUNDS_WITH_C2}. */
    static int rounds() {
        return compilesWithC1Only() ? ROUNDS_C1_ONLY : ROUNDS_WITH_C2;
    }

    /**
     * Whether this JVM's JIT stops at C1. Where that cannot be read (not HotSpot, no jdk.management), false: an
     * optimizing JIT is the likelier case, and the 1000 rounds were only measured to help under C1.
     */
    static boolean compilesWithC1Only() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotspot == null) return false;
            String compilationMode;
            try {
                compilationMode = hotspot.getVMOption("CompilationMode").getValue();
            } catch (IllegalArgumentException e) {
                compilationMode = "default"; // a JVM without the option
            }
            return c1Only(hotspot.getVMOption("TieredStopAtLevel").getValue(),
                    hotspot.getVMOption("TieredCompilation").getValue(), compilationMode);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** From the JVM's option values: C1 alone with {@code -XX:TieredStopAtLevel=1..3} (tiered) or {@code -XX:CompilationMode=quick-only}. */
    static boolean c1Only(String tieredStopAtLevel, String tieredCompilation, String compilationMode) {
        if ("quick-only".equals(compilationMode)) return true;
        if (!Boolean.parseBoolean(tieredCompilation)) return false; // C2 alone (or the interpreter)
        try {
            int level = Integer.parseInt(tieredStopAtLevel);
            return level >= 1 && level <= 3;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void electNodeOne() {
        ReplicaDriver candidate = drivers.get(1);
        for (int tick = 0; tick < MAX_TICKS && candidate.core().role() != Role.LEADER; tick++) {
            candidate.tick();
            settle();
        }
        if (candidate.core().role() != Role.LEADER) {
            throw new IllegalStateException("warm-up: no leader after " + MAX_TICKS + " ticks");
        }
    }

    private KvResult command(ReplicaDriver leader, KvCommand command) {
        int before = responses.size();
        leader.clientRequest(ClientRequest.command(nextRequestId++, KvCommandCodec.encode(command, 0)), new ScratchChannel(),
                System.nanoTime());
        leader.drain();
        settle();
        return lastResult(before);
    }

    private void read(ReplicaDriver leader, String key) {
        leader.clientRequest(ClientRequest.read(nextRequestId++, KvCommandCodec.encode(new KvCommand.Get(key), 0)),
                new ScratchChannel(), System.nanoTime());
        leader.drain();
        settle();
    }

    private KvResult lastResult(int before) {
        if (responses.size() <= before || !(responses.get(responses.size() - 1) instanceof ClientResponse.Result result)) {
            return null;
        }
        return KvResultCodec.decode(result.result());
    }

    /** Completes every write and delivers every message, as the node's WAL and peers would, until all is quiet. */
    private void settle() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Map.Entry<Integer, ReplicaDriver> node : drivers.entrySet()) {
                ScratchStorage storage = storages.get(node.getKey());
                if (storage.outstanding == 0) continue;
                progress = true;
                for (; storage.outstanding > 0; storage.outstanding--) node.getValue().persisted();
                node.getValue().drain();
            }
            Message message;
            while ((message = inFlight.poll()) != null) {
                progress = true;
                ReplicaDriver to = drivers.get(message.to());
                to.receive(throughWire(message));
                to.drain();
            }
        }
    }

    /** Encodes and decodes the message as the peer connection would, so the codec's paths warm up too. */
    private static Message throughWire(Message message) {
        ByteBuf frame = PeerCodec.encode(UnpooledByteBufAllocator.DEFAULT, message);
        try {
            frame.skipBytes(WireFormat.LENGTH_FIELD_BYTES);
            frame.readUnsignedByte(); // frame version
            FrameType type = FrameType.fromCode(frame.readUnsignedByte());
            return (Message) PeerCodec.decode(type, frame);
        } finally {
            frame.release();
        }
    }

    /** Storage that makes everything durable when {@link #settle} says so; the scratch cluster takes no snapshots. */
    private static final class ScratchStorage extends StorageWithoutSnapshots {
        private int outstanding;

        ScratchStorage() {
            super("the warm-up's scratch cluster");
        }

        @Override
        public void persist(HardState hardState, List<Entry> entries, ReceivedSnapshot snapshot) {
            outstanding++;
        }
    }

    /** Keeps the answer and runs it through the wire encoder, as a real reply would be. */
    private final class ScratchChannel implements ClientReplyChannel {
        private final long requestId = nextRequestId - 1;

        @Override
        public long requestId() {
            return requestId;
        }

        @Override
        public boolean reply(ClientResponse response) {
            ByteBuf encoded = ClientCodec.encodeResponse(UnpooledByteBufAllocator.DEFAULT, response);
            encoded.release();
            responses.add(response);
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }
}
