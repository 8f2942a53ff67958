package io.kvbench.driver;

import io.kvbench.net.ClientReplyChannel;
import io.kvbench.net.ClientRequest;
import io.kvbench.net.ClientResponse;
import io.kvbench.net.ErrorCode;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Client requests held while an election is under way: rather than answer "no leader known" and have the client
 * guess and back off, the driver holds them until a leader is known, then redirects (or serves) them at once.
 * Bounded in count and in time. Driver thread only.
 */
final class ParkedRequests {
    /** {@code arrivedNanos}: when the runtime decoded the request; {@code deadlineNanos}: when to give up holding it. */
    record Parked(ClientRequest request, ClientReplyChannel channel, long arrivedNanos, long deadlineNanos) {
    }

    private final int maxParked;
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();

    ParkedRequests(int maxParked) {
        this.maxParked = maxParked;
    }

    boolean hasRoom() {
        return parked.size() < maxParked;
    }

    boolean isEmpty() {
        return parked.isEmpty();
    }

    void add(ClientRequest request, ClientReplyChannel channel, long arrivedNanos, long deadlineNanos) {
        parked.addLast(new Parked(request, channel, arrivedNanos, deadlineNanos));
    }

    int size() {
        return parked.size();
    }

    /** The oldest request held, removed. */
    Parked poll() {
        return parked.pollFirst();
    }

    /** Removes the requests whose deadline passed, oldest first, and gives each to {@code onExpired}. */
    void expire(long nowNanos, Consumer<Parked> onExpired) {
        while (!parked.isEmpty() && parked.peekFirst().deadlineNanos() <= nowNanos) onExpired.accept(parked.pollFirst());
    }

    void failAll(ErrorCode code, String message) {
        for (Parked request : parked) {
            request.channel().reply(new ClientResponse.Error(request.request().requestId(), code, message));
        }
        parked.clear();
    }
}
