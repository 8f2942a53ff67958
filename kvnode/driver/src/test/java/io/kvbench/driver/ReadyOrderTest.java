package io.kvbench.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.net.ClientRequest;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ErrorCode;
import io.kvbench.raft.Entry;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Message;
import io.kvbench.raft.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The driver handles each Ready in etcd-io/raft's async-storage order, one rule per test: what may leave at once
 * leaves at once, what depends on durable state waits for it, and a client hears only of what was applied.
 */
class ReadyOrderTest {
    private final DriverCluster cluster = new DriverCluster();

    private void campaignOnNodeOne() {
        cluster.campaignOnNodeOne();
    }

    private void electNodeOne() {
        cluster.electNodeOne();
    }

    @Test
    void aCandidatesVoteRequestsLeaveWhileItsTermAndVoteAreWrittenAndItLeadsOnlyOnceTheyAreDurable() {
        campaignOnNodeOne();

        // The requests are out although node 1's own term and vote are not yet durable (the round trip overlaps its fsync).
        assertThat(cluster.inFlight(Message.VoteRequest.class)).hasSize(2).allMatch(m -> !((Message.VoteRequest) m).preVote());
        assertThat(cluster.storages.get(1).outstanding).isEqualTo(1);
        assertThat(cluster.storages.get(1).hardStates).containsExactly(new HardState(1, 1));

        // The voters' grants wait for their own votes to be durable ("persist before responding", Figure 2).
        cluster.deliver(message -> message instanceof Message.VoteRequest);
        assertThat(cluster.inFlight(Message.VoteResponse.class)).isEmpty();
        cluster.persistAll(2);
        cluster.persistAll(3);
        assertThat(cluster.inFlight(Message.VoteResponse.class)).hasSize(2).allMatch(m -> ((Message.VoteResponse) m).granted());

        // Two grants are a majority of three, but node 1 takes office only once its own vote is durable.
        cluster.deliver(message -> message instanceof Message.VoteResponse);
        assertThat(cluster.driver(1).core().role()).isEqualTo(Role.CANDIDATE);
        cluster.persistAll(1);
        assertThat(cluster.driver(1).core().role()).isEqualTo(Role.LEADER);
    }

    @Test
    void aFollowerAcknowledgesAnAppendOnlyOnceItIsDurable() {
        electNodeOne();
        KvCommand register = new KvCommand.RegisterSession();
        cluster.driver(1).clientRequest(ClientRequest.command(1, KvCommandCodec.encode(register, 0)),
                cluster.new RecordingChannel(1, 1), 0);
        cluster.driver(1).drain();

        // The leader's append leaves at once, beside its own write (dissertation §10.2.1).
        assertThat(cluster.inFlight(Message.AppendRequest.class)).hasSize(2);
        cluster.deliver(message -> message instanceof Message.AppendRequest && message.to() == 2);
        assertThat(cluster.inFlight(Message.AppendResponse.class)).isEmpty();
        cluster.persistAll(2);
        assertThat(cluster.inFlight(Message.AppendResponse.class)).hasSize(1)
                .allMatch(m -> ((Message.AppendResponse) m).success() && m.from() == 2);
    }

    @Test
    void aClientIsAnsweredOnlyOnceItsEntryIsAppliedAndEveryReplicaAppliesTheSameCommand() {
        electNodeOne();
        DriverCluster.RecordingChannel registration = cluster.new RecordingChannel(1, 1);
        cluster.driver(1).clientRequest(ClientRequest.command(1, KvCommandCodec.encode(new KvCommand.RegisterSession(), 0)),
                registration, 0);
        cluster.driver(1).drain();
        cluster.settle();
        long clientId = ((KvResult.SessionRegistered) result(registration)).clientId();

        DriverCluster.RecordingChannel write = cluster.new RecordingChannel(1, 2);
        byte[] value = "v".getBytes(StandardCharsets.UTF_8);
        cluster.driver(1).clientRequest(ClientRequest.command(2,
                KvCommandCodec.encode(new KvCommand.Put(clientId, 1, 1, "k", value), 0)), write, 0);
        cluster.driver(1).drain();
        long index = cluster.driver(1).core().lastIndex();
        // Replicated and durable on a majority, so committed, but the leader's own copy is not durable: not applied.
        cluster.deliver(message -> message instanceof Message.AppendRequest);
        cluster.persistAll(2);
        cluster.persistAll(3);
        cluster.deliver(message -> message instanceof Message.AppendResponse);
        assertThat(cluster.driver(1).core().commitIndex()).isEqualTo(index);
        assertThat(write.responses).isEmpty();

        cluster.persistAll(1);
        assertThat(result(write)).isInstanceOf(KvResult.Written.class);
        assertThat(write.appliedIndexAtReply).isEqualTo(index);

        // The leader applied the form it decoded, stamped with its clock; the followers, told the commit index by the
        // next heartbeat, decode the entry's bytes.
        for (int tick = 0; tick < 3; tick++) cluster.driver(1).tick();
        cluster.settle();
        Entry entry = cluster.driver(2).core().entryAt(index);
        assertThat(KvCommandCodec.decode(entry.data()).leaderTimeMillis()).isEqualTo(DriverCluster.LEADER_TIME_MILLIS);
        assertThat(entry.data()).isEqualTo(KvCommandCodec.encode(new KvCommand.Put(clientId, 1, 1, "k", value),
                DriverCluster.LEADER_TIME_MILLIS));
        for (int id = 1; id <= 3; id++) {
            assertThat(cluster.driver(id).stateMachine().lastAppliedIndex()).isEqualTo(index);
            assertThat(cluster.driver(id).stateMachine().clockMillis()).isEqualTo(DriverCluster.LEADER_TIME_MILLIS);
        }
        assertThat(Arrays.equals(cluster.driver(1).stateMachine().snapshot(), cluster.driver(2).stateMachine().snapshot()))
                .as("leader and follower states, byte for byte").isTrue();
    }

    @Test
    void aRequestArrivingWithNoLeaderKnownIsHeldThenRedirectedOnceOneIs() {
        DriverCluster.RecordingChannel held = cluster.new RecordingChannel(2, 7);
        cluster.driver(2).clientRequest(ClientRequest.command(7, KvCommandCodec.encode(new KvCommand.RegisterSession(), 0)), held, 0);
        cluster.driver(2).drain();
        assertThat(held.responses).isEmpty();

        electNodeOne();
        assertThat(held.responses).singleElement().isInstanceOfSatisfying(ClientResponse.NotLeader.class,
                notLeader -> assertThat(notLeader.leaderId()).isEqualTo(1));
    }

    @Test
    void aRequestHeldPastItsDeadlineIsAnsweredThatNoLeaderIsKnown() {
        DriverCluster.RecordingChannel held = cluster.new RecordingChannel(2, 7);
        cluster.driver(2).clientRequest(ClientRequest.command(7, KvCommandCodec.encode(new KvCommand.RegisterSession(), 0)), held, 0);
        cluster.driver(2).drain();
        cluster.nowNanos = DriverCluster.PARK_TIMEOUT_NANOS - 1;
        cluster.driver(2).tick();
        assertThat(held.responses).isEmpty();
        cluster.nowNanos = DriverCluster.PARK_TIMEOUT_NANOS;
        cluster.driver(2).tick();
        assertThat(held.responses).singleElement().isInstanceOfSatisfying(ClientResponse.NotLeader.class,
                notLeader -> assertThat(notLeader.leaderId()).isZero());
    }

    @Test
    void storageThatFailedStopsTheNodeAndEveryPendingClientIsTold() {
        electNodeOne();
        DriverCluster.RecordingChannel pending = cluster.new RecordingChannel(1, 3);
        cluster.driver(1).clientRequest(ClientRequest.command(3, KvCommandCodec.encode(new KvCommand.RegisterSession(), 0)), pending, 0);
        cluster.driver(1).drain();

        cluster.storages.get(1).failure = new IOException("disk full");
        DriverCluster.RecordingChannel refused = cluster.new RecordingChannel(1, 4);
        cluster.driver(1).clientRequest(ClientRequest.command(4, KvCommandCodec.encode(new KvCommand.RegisterSession(), 0)), refused, 0);
        cluster.driver(1).drain();

        assertThat(cluster.driver(1).storageHasFailed()).isTrue();
        assertThat(pending.responses).singleElement().isInstanceOfSatisfying(ClientResponse.Error.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.STORAGE_FAILED));
        DriverCluster.RecordingChannel after = cluster.new RecordingChannel(1, 5);
        cluster.driver(1).clientRequest(ClientRequest.command(5, KvCommandCodec.encode(new KvCommand.RegisterSession(), 0)), after, 0);
        assertThat(after.responses).singleElement().isInstanceOfSatisfying(ClientResponse.Error.class,
                error -> assertThat(error.message()).contains("disk full"));
        // It no longer steps messages: a stale leader must not keep acting on state it cannot make durable.
        long term = cluster.driver(1).core().term();
        cluster.driver(1).receive(new Message.Heartbeat(2, 1, term + 5, 0, 0));
        assertThat(cluster.driver(1).core().term()).isEqualTo(term);
    }

    private static KvResult result(DriverCluster.RecordingChannel channel) {
        assertThat(channel.responses).singleElement().isInstanceOf(ClientResponse.Result.class);
        return KvResultCodec.decode(((ClientResponse.Result) channel.responses.get(0)).result());
    }
}
