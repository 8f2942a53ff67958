package io.kvbench.driver;

import io.kvbench.kv.KvStateMachine;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.net.ClientResponse;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Message;
import io.kvbench.raft.RaftConfig;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Role;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three drivers whose storage, network and clock the test works by hand: nothing is durable, delivered or late
 * until the test says so. Election timeout [10, 20) ticks, heartbeat 3.
 */
final class DriverCluster {
    static final long LEADER_TIME_MILLIS = 1_234_567;
    static final long PARK_TIMEOUT_NANOS = 10_000_000;

    /** Storage that completes only when told. */
    static final class ManualStorage extends StorageWithoutSnapshots {
        int outstanding;
        IOException failure;
        final List<HardState> hardStates = new ArrayList<>();

        ManualStorage() {
            super("the driver tests' cluster");
        }

        @Override
        public void persist(HardState hardState, List<Entry> entries, ReceivedSnapshot snapshot) throws IOException {
            if (failure != null) throw failure;
            outstanding++;
            if (hardState != null) hardStates.add(hardState);
        }
    }

    /** Records the answer, and what the driver had applied when it gave it. */
    final class RecordingChannel implements ClientReplyChannel {
        final int nodeId;
        final long requestId;
        final List<ClientResponse> responses = new ArrayList<>();
        long appliedIndexAtReply = -1;

        RecordingChannel(int nodeId, long requestId) {
            this.nodeId = nodeId;
            this.requestId = requestId;
        }

        @Override
        public long requestId() {
            return requestId;
        }

        @Override
        public boolean reply(ClientResponse response) {
            responses.add(response);
            appliedIndexAtReply = driver(nodeId).stateMachine().lastAppliedIndex();
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    final Map<Integer, ReplicaDriver> drivers = new TreeMap<>();
    final Map<Integer, ManualStorage> storages = new TreeMap<>();
    /** Sent and not delivered. */
    final List<Message> network = new ArrayList<>();
    long nowNanos;

    DriverCluster() {
        this(UnaryOperator.identity());
    }

    /** With every driver's configuration adjusted by {@code adjust} (a switch on, say). */
    DriverCluster(UnaryOperator<DriverConfig> adjust) {
        List<Integer> voters = List.of(1, 2, 3);
        Map<Integer, InetSocketAddress> clients = new TreeMap<>();
        for (int id : voters) clients.put(id, InetSocketAddress.createUnresolved("node-" + id, 8000 + id));
        TimeSource time = new TimeSource() {
            @Override
            public long nanoTime() {
                return nowNanos;
            }

            @Override
            public long currentTimeMillis() {
                return LEADER_TIME_MILLIS;
            }
        };
        for (int id : voters) {
            RaftConfig raft = RaftConfig.defaults(id, voters).withTimeouts(10, 20, 3, 2);
            ManualStorage storage = new ManualStorage();
            storages.put(id, storage);
            drivers.put(id, new ReplicaDriver(adjust.apply(new DriverConfig(id, clients, true, 100, 100, PARK_TIMEOUT_NANOS, 1_000_000)),
                    new RaftCore(raft, new Random(id)), KvStateMachine.withWriteAudit(16, 600_000, 16), storage,
                    network::add, time, DriverObserver.NONE));
        }
    }

    /** Node 1 through its pre-vote, to the point where its vote requests are out and its term and vote are being written. */
    void campaignOnNodeOne() {
        for (int tick = 0; tick < 40 && driver(1).core().role() != Role.PRE_CANDIDATE; tick++) driver(1).tick();
        assertThat(driver(1).core().role()).isEqualTo(Role.PRE_CANDIDATE);
        deliver(message -> message instanceof Message.VoteRequest request && request.preVote());
        deliver(message -> message instanceof Message.VoteResponse response && response.preVote());
        assertThat(driver(1).core().role()).isEqualTo(Role.CANDIDATE);
    }

    /** Node 1 elected, everything delivered and durable. */
    void electNodeOne() {
        campaignOnNodeOne();
        settle();
        assertThat(driver(1).core().role()).isEqualTo(Role.LEADER);
    }

    ReplicaDriver driver(int id) {
        return drivers.get(id);
    }

    /** Delivers (and removes) the messages in flight that match, each followed by the receiver's drain. */
    void deliver(Predicate<Message> which) {
        List<Message> chosen = network.stream().filter(which).toList();
        network.removeAll(chosen);
        for (Message message : chosen) {
            driver(message.to()).receive(message);
            driver(message.to()).drain();
        }
    }

    /** Completes every write node {@code id}'s storage holds, then drains it. */
    void persistAll(int id) {
        ManualStorage storage = storages.get(id);
        for (; storage.outstanding > 0; storage.outstanding--) driver(id).persisted();
        driver(id).drain();
    }

    /** Delivers everything and completes every write until nothing moves. */
    void settle() {
        while (!network.isEmpty() || storages.values().stream().anyMatch(s -> s.outstanding > 0)) {
            for (int id : drivers.keySet()) persistAll(id);
            deliver(message -> true);
        }
    }

    List<Message> inFlight(Class<? extends Message> type) {
        return network.stream().filter(type::isInstance).toList();
    }
}
