package io.kvbench.driver;

import io.kvbench.raft.Message;

/** Sends to peers: the node's peer connections, or the simulator's network. Loss is allowed (Raft retransmits). */
@FunctionalInterface
public interface Transport {
    void send(Message message);
}
