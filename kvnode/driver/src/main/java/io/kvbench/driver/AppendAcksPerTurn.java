package io.kvbench.driver;

import io.kvbench.raft.Message;
import io.kvbench.raft.Message.AppendResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A follower's successful append acknowledgements, held from the moment they may leave (their entries are durable)
 * until the end of the driver's turn, then sent one per leader: the newest, which carries the highest match index.
 * A leader counts a match index as "everything up to here" (Figure 2's matchIndex; its in-flight window is released up
 * to it), so the ones left out tell it nothing the last does not; leaving them out is the loss of a message, which Raft
 * tolerates anyway. Within one term a follower's acknowledged entries are never truncated (only the term's leader
 * sends it entries, and they match), so the highest match index of a term stays true; an acknowledgement of another
 * term is never merged: the one held is sent first. Issue 19: fewer peer messages and socket writes per write when
 * several appends are made durable in one turn; off unless {@link DriverConfig#appendAcksPerTurn()}.
 */
final class AppendAcksPerTurn {
    private final Consumer<Message> transport;
    /** At most one per leader (a handful of entries: a list beats a map). */
    private final List<AppendResponse> held = new ArrayList<>(2);

    AppendAcksPerTurn(Consumer<Message> transport) {
        this.transport = transport;
    }

    /** A successful acknowledgement whose entries are durable: kept if it says more than the one held for its leader. */
    void hold(AppendResponse ack) {
        if (!ack.success()) throw new IllegalArgumentException("only successful acknowledgements are merged: " + ack);
        for (int i = 0; i < held.size(); i++) {
            AppendResponse previous = held.get(i);
            if (previous.to() != ack.to()) continue;
            if (previous.term() != ack.term()) {
                transport.accept(previous); // another term: both go, in order
                held.set(i, ack);
            } else if (ack.matchIndex() >= previous.matchIndex()) {
                held.set(i, ack);
            }
            return;
        }
        held.add(ack);
    }

    /** The end of the turn: one acknowledgement per leader leaves. */
    void sendAll() {
        if (held.isEmpty()) return;
        for (AppendResponse ack : held) transport.accept(ack);
        held.clear();
    }

    /** Storage failed: this node stops acting, and says nothing more. */
    void clear() {
        held.clear();
    }
}
