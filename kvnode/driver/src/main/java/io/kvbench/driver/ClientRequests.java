package io.kvbench.driver;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvResult;
import io.kvbench.kv.KvResultCodec;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.kv.MalformedCommandException;
import io.kvbench.kv.ProposedCommand;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.net.ClientRequest;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ErrorCode;
import io.kvbench.raft.Entry;
import io.kvbench.raft.Mutation;
import io.kvbench.raft.ProposeResult;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.ReadState;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client side of the driver: turns client requests into proposals and ReadIndex reads, and answers each once
 * its entry is applied (or its read index reached). Driver thread only.
 */
final class ClientRequests {
    /**
     * A write this leader proposed at some index. {@code command} is what it proposed, decoded, with the leader time
     * stamped on it: applied in place of the entry's bytes when the entry at that index is this one (same term).
     * {@code arrivedNanos}: when the runtime decoded the request, for {@link DriverObserver#writeAnswered}.
     */
    record PendingProposal(long term, ProposedCommand command, ClientReplyChannel channel, long arrivedNanos) {
    }

    private record PendingRead(String key, ClientReplyChannel channel) {
    }

    private record ConfirmedRead(long readIndex, PendingRead read) {
    }

    private final DriverConfig config;
    private final TimeSource time;
    private final DriverObserver observer;
    private final TreeMap<Long, PendingProposal> proposalsByIndex = new TreeMap<>();
    private final Map<Long, PendingRead> readsById = new HashMap<>();
    private final List<ConfirmedRead> confirmedReads = new ArrayList<>();
    private long nextReadId;
    private Mutation mutation = Mutation.NONE;

    ClientRequests(DriverConfig config, TimeSource time, DriverObserver observer) {
        this.config = config;
        this.time = time;
        this.observer = observer;
    }

    void breakRuleForTesting(Mutation rule) {
        this.mutation = rule;
    }

    int pendingCount() {
        return proposalsByIndex.size() + readsById.size() + confirmedReads.size();
    }

    /**
     * A COMMAND: validate, stamp with the leader's clock (for deterministic session expiry, §6.3) and quota, propose.
     * The stamp overwrites the client's fields in a copy of its bytes: the command is not encoded again, and this leader
     * keeps the decoded form to apply when the entry commits. {@code arrivedNanos}: when the request was decoded
     * on the event loop (before any wait in the inbox or parked).
     */
    void onCommand(RaftCore core, ClientRequest request, ClientReplyChannel channel, long arrivedNanos) {
        ProposedCommand decoded;
        try {
            decoded = KvCommandCodec.decode(request.payload());
        } catch (MalformedCommandException e) {
            channel.reply(new ClientResponse.Error(request.requestId(), ErrorCode.MALFORMED, e.getMessage()));
            return;
        }
        if (pendingCount() >= config.maxPendingRequests()) {
            channel.reply(new ClientResponse.Error(request.requestId(), ErrorCode.OVERLOADED,
                    "node " + config.nodeId() + " has " + pendingCount() + " requests pending"));
            return;
        }
        long leaderTimeMillis = time.currentTimeMillis();
        // The quota travels in the entry: every replica judges the write against this one (KvStateMachine says why).
        ProposeResult result = core.propose(KvCommandCodec.withLeaderStamp(request.payload(), leaderTimeMillis,
                config.quotaBytes()));
        if (result instanceof ProposeResult.Accepted accepted) {
            proposalsByIndex.put(accepted.index(), new PendingProposal(accepted.term(),
                    new ProposedCommand(leaderTimeMillis, config.quotaBytes(), decoded.command()), channel, arrivedNanos));
        } else {
            refuse(request.requestId(), channel, result);
        }
    }

    /** A READ: a linearizable get through ReadIndex (§6.4). */
    void onRead(RaftCore core, ClientRequest request, ClientReplyChannel channel) {
        String key;
        try {
            ProposedCommand proposed = KvCommandCodec.decode(request.payload());
            if (!(proposed.command() instanceof KvCommand.Get get)) {
                channel.reply(new ClientResponse.Error(request.requestId(), ErrorCode.MALFORMED,
                        "a READ carries a Get, not " + proposed.command().getClass().getSimpleName()));
                return;
            }
            key = get.key();
        } catch (MalformedCommandException e) {
            channel.reply(new ClientResponse.Error(request.requestId(), ErrorCode.MALFORMED, e.getMessage()));
            return;
        }
        long readId = ++nextReadId;
        ProposeResult result = core.readIndex(readId);
        if (result instanceof ProposeResult.Accepted) {
            readsById.put(readId, new PendingRead(key, channel));
        } else {
            refuse(request.requestId(), channel, result);
        }
    }

    private void refuse(long requestId, ClientReplyChannel channel, ProposeResult result) {
        if (result instanceof ProposeResult.NotLeader notLeader) {
            channel.reply(notLeader(requestId, notLeader.leaderHint()));
        } else if (result instanceof ProposeResult.Dropped dropped) {
            channel.reply(new ClientResponse.Error(requestId, ErrorCode.OVERLOADED, dropped.reason()));
        }
    }

    ClientResponse notLeader(long requestId, int leaderId) {
        InetSocketAddress address = config.clientAddresses().get(leaderId);
        String hint = address == null ? "" : address.getHostString() + ":" + address.getPort();
        return new ClientResponse.NotLeader(requestId, leaderId, hint);
    }

    /** The proposal this leader made at {@code index}, removed; null if none is pending there. */
    PendingProposal takeProposal(long index) {
        return proposalsByIndex.remove(index);
    }

    /** The entry {@code pending} waited for was applied: answer it, if the entry is still the one proposed. */
    void answer(PendingProposal pending, Entry entry, KvResult result) {
        long requestId = pending.channel().requestId();
        if (pending.term() == entry.term() && result != null) {
            pending.channel().reply(new ClientResponse.Result(requestId, KvResultCodec.encode(result)));
            observer.writeAnswered(pending.arrivedNanos());
        } else {
            // Another leader's entry took the index: ours was never committed. The client retries it.
            pending.channel().reply(notLeader(requestId, 0));
        }
    }

    void onReadStates(List<ReadState> readStates, KvStateMachine stateMachine) {
        for (ReadState state : readStates) {
            PendingRead read = readsById.remove(state.requestId());
            if (read != null) confirmedReads.add(new ConfirmedRead(state.readIndex(), read));
        }
        serveConfirmedReads(stateMachine);
    }

    /** A confirmed read is served once the state machine has applied up to its read index (§6.4). */
    private void serveConfirmedReads(KvStateMachine stateMachine) {
        Iterator<ConfirmedRead> iterator = confirmedReads.iterator();
        while (iterator.hasNext()) {
            ConfirmedRead confirmed = iterator.next();
            boolean applied = stateMachine.lastAppliedIndex() >= confirmed.readIndex();
            if (!applied && mutation != Mutation.REPLY_BEFORE_APPLY) continue;
            iterator.remove();
            byte[] value = stateMachine.read(confirmed.read().key()).orElse(null);
            ClientReplyChannel channel = confirmed.read().channel();
            observer.readServed(channel, confirmed.readIndex());
            channel.reply(new ClientResponse.Result(channel.requestId(), KvResultCodec.encode(new KvResult.Value(value))));
        }
    }

    void onFailedReads(List<Long> readIds, int leaderId) {
        for (long readId : readIds) {
            PendingRead read = readsById.remove(readId);
            if (read != null) read.channel().reply(notLeader(read.channel().requestId(), leaderId));
        }
    }

    /**
     * Leadership lost: pending proposals may still commit under the new leader, or not. Tell the clients to
     * retry there; the retry carries the same (client id, sequence number), so it is applied at most once.
     */
    void onLeadershipLost(int newLeaderId) {
        for (PendingProposal pending : proposalsByIndex.values()) {
            pending.channel().reply(notLeader(pending.channel().requestId(), newLeaderId));
        }
        proposalsByIndex.clear();
        for (ConfirmedRead confirmed : confirmedReads) {
            confirmed.read().channel().reply(notLeader(confirmed.read().channel().requestId(), newLeaderId));
        }
        confirmedReads.clear();
    }

    /** Storage failed or the node is stopping: answer everything pending with an error. */
    void failAll(ErrorCode code, String message) {
        for (PendingProposal pending : proposalsByIndex.values()) {
            pending.channel().reply(new ClientResponse.Error(pending.channel().requestId(), code, message));
        }
        proposalsByIndex.clear();
        for (PendingRead read : readsById.values()) {
            read.channel().reply(new ClientResponse.Error(read.channel().requestId(), code, message));
        }
        readsById.clear();
        for (ConfirmedRead confirmed : confirmedReads) {
            confirmed.read().channel().reply(new ClientResponse.Error(confirmed.read().channel().requestId(), code, message));
        }
        confirmedReads.clear();
    }
}
