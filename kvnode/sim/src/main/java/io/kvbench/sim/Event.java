package io.kvbench.sim;

import io.kvbench.driver.WrittenSnapshot;
import io.kvbench.net.ClientResponse;
import io.kvbench.raft.Message;

/** A scheduled event. Ties in time break by scheduling order, so the run is deterministic. */
record Event(long time, long sequence, Kind kind) implements Comparable<Event> {
    @Override
    public int compareTo(Event other) {
        int byTime = Long.compare(time, other.time);
        return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }

    sealed interface Kind {
    }

    record Tick(int nodeId, int incarnation) implements Kind {
    }

    record Deliver(Message message) implements Kind {
    }

    /** The fsync of the group the node's disk is writing returned. */
    record GroupCommitted(int nodeId, int incarnation) implements Kind {
    }

    /** A snapshot the node is taking was written (off its driver's thread, as the node's background job). */
    record SnapshotWritten(int nodeId, int incarnation, WrittenSnapshot written) implements Kind {
    }

    /** The node's snapshot I/O thread finished its running task (a chunk read or write, a received snapshot's check). */
    record SnapshotIoDone(int nodeId, int incarnation) implements Kind {
    }

    /** The runtime's "connection to peerId closed" hint. */
    record Hint(int nodeId, int incarnation, int peerId) implements Kind {
    }

    record ClientWake(int clientIndex) implements Kind {
    }

    record ClientRequest(int clientIndex, int nodeId, long requestId) implements Kind {
    }

    /** {@code ackIndex}: the log index the checker credits an acknowledgement with (see InvariantChecker#onReplySent). */
    record ClientReply(int clientIndex, long requestId, int fromNodeId, ClientResponse response, long ackIndex) implements Kind {
    }

    record Fault() implements Kind {
    }

    record Restart(int nodeId) implements Kind {
    }

    record Heal() implements Kind {
    }
}
