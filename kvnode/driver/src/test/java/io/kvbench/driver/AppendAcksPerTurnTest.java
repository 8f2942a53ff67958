package io.kvbench.driver;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.net.ClientRequest;
import io.kvbench.raft.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kvnode run --append-acks per-turn} (issue 19): a follower that makes several appends durable in one turn
 * acknowledges them with one message, the highest match index, and the leader commits them all from it; by default
 * each append is acknowledged on its own, as before.
 */
class AppendAcksPerTurnTest {

    /** Node 1 leads; three writes leave in three appends to node 2, which persists all three and then drains once. */
    private static List<Message.AppendResponse> acknowledgementsOfThreeAppendsMadeDurableTogether(DriverCluster cluster) {
        cluster.electNodeOne();
        for (long requestId = 1; requestId <= 3; requestId++) {
            cluster.driver(1).clientRequest(ClientRequest.command(requestId,
                    KvCommandCodec.encode(new KvCommand.RegisterSession(), 0)), cluster.new RecordingChannel(1, requestId), 0);
            cluster.driver(1).drain(); // one Ready, one append per follower
        }
        assertThat(cluster.inFlight(Message.AppendRequest.class).stream().filter(m -> m.to() == 2)).hasSize(3);
        cluster.deliver(message -> message instanceof Message.AppendRequest && message.to() == 2);
        assertThat(cluster.storages.get(2).outstanding).isEqualTo(3);
        cluster.persistAll(2); // three completions, then the turn's drain
        return cluster.inFlight(Message.AppendResponse.class).stream().map(Message.AppendResponse.class::cast).toList();
    }

    @Test
    void perTurnOneAcknowledgementCarriesTheHighestMatchIndexAndTheLeaderCommitsEverything() {
        DriverCluster cluster = new DriverCluster(config -> config.withAppendAcksPerTurn(true));
        List<Message.AppendResponse> acks = acknowledgementsOfThreeAppendsMadeDurableTogether(cluster);
        long lastIndex = cluster.driver(2).core().lastIndex();

        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).success()).isTrue();
        assertThat(acks.get(0).matchIndex()).isEqualTo(lastIndex);

        cluster.persistAll(1);
        cluster.deliver(message -> message instanceof Message.AppendResponse);
        assertThat(cluster.driver(1).core().commitIndex()).isEqualTo(lastIndex);
        assertThat(cluster.driver(1).stateMachine().lastAppliedIndex()).isEqualTo(lastIndex); // the clients were answered
    }

    @Test
    void byDefaultEachAppendIsAcknowledgedOnItsOwn() {
        DriverCluster cluster = new DriverCluster();
        List<Message.AppendResponse> acks = acknowledgementsOfThreeAppendsMadeDurableTogether(cluster);
        long lastIndex = cluster.driver(2).core().lastIndex();

        assertThat(acks).hasSize(3).allMatch(Message.AppendResponse::success);
        assertThat(acks.stream().mapToLong(Message.AppendResponse::matchIndex)).containsExactly(lastIndex - 2, lastIndex - 1, lastIndex);
    }

    @Test
    void aLowerMatchIndexOfTheSameTermIsDroppedAndAnotherTermsIsNeverMerged() {
        List<Message> sent = new ArrayList<>();
        AppendAcksPerTurn held = new AppendAcksPerTurn(sent::add);
        held.hold(new Message.AppendResponse(2, 1, 5, true, 10, 0, 0));
        held.hold(new Message.AppendResponse(2, 1, 5, true, 7, 0, 0)); // "settled up to my commit index": says less
        held.hold(new Message.AppendResponse(2, 3, 5, true, 4, 0, 0)); // another leader id: its own slot
        assertThat(sent).isEmpty();
        held.hold(new Message.AppendResponse(2, 1, 6, true, 11, 0, 0)); // a new term: the old one leaves first
        assertThat(sent).containsExactly(new Message.AppendResponse(2, 1, 5, true, 10, 0, 0));
        held.sendAll();
        assertThat(sent).containsExactly(new Message.AppendResponse(2, 1, 5, true, 10, 0, 0),
                new Message.AppendResponse(2, 1, 6, true, 11, 0, 0), new Message.AppendResponse(2, 3, 5, true, 4, 0, 0));
        held.sendAll();
        assertThat(sent).hasSize(3);
    }
}
