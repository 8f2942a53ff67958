package io.kvbench.sim;

import io.kvbench.kv.KvCommand;
import io.kvbench.net.ClientReplyChannel;
import io.kvbench.net.ClientResponse;

import java.util.function.BiConsumer;

/**
 * Where the driver answers one simulated request. Carries what the invariant checker needs to judge the answer at
 * the moment it is sent: the command, and the highest index acknowledged to any client before the operation began.
 */
final class SimReplyChannel implements ClientReplyChannel {
    final SimNode node;
    final int incarnation;
    final SimClient client;
    final long requestId;
    final KvCommand command;
    final long maxAckedIndexAtInvoke;
    /** For a read: the read index the driver said it serves at (DriverObserver#readServed); -1 before. */
    long readIndex = -1;
    private final BiConsumer<SimReplyChannel, ClientResponse> onReply;
    private boolean replied;

    SimReplyChannel(SimNode node, SimClient client, long requestId, BiConsumer<SimReplyChannel, ClientResponse> onReply) {
        this.node = node;
        this.incarnation = node.incarnation;
        this.client = client;
        this.requestId = requestId;
        this.command = client.awaiting;
        this.maxAckedIndexAtInvoke = client.maxAckedIndexAtInvoke;
        this.onReply = onReply;
    }

    @Override
    public long requestId() {
        return requestId;
    }

    @Override
    public boolean reply(ClientResponse response) {
        if (response.requestId() != requestId) {
            throw new IllegalArgumentException("reply " + response + " to request " + requestId);
        }
        if (replied) return false;
        replied = true;
        onReply.accept(this, response);
        return true;
    }

    /** The connection closes with the node. */
    @Override
    public boolean isOpen() {
        return node.up && node.incarnation == incarnation;
    }
}
