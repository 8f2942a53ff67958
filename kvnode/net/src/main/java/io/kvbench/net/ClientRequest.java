package io.kvbench.net;

import java.util.Arrays;

/**
 * One client request: {@code [u64 requestId][u8 kind][payload]}. The request id only pairs a response with
 * its request on one connection; it is chosen by the client and carries no meaning to the server. A STATUS request's
 * payload is empty, or the one byte {@link #STATUS_WITH_LATENCY_HISTOGRAMS}: add the node's latency histograms
 * (encoding them costs the node's event loop ~0.1 ms, so only benchmarks that read them ask).
 */
public record ClientRequest(long requestId, RequestKind kind, byte[] payload) {
    private static final byte[] EMPTY = new byte[0];
    public static final byte STATUS_WITH_LATENCY_HISTOGRAMS = 1;

    public ClientRequest {
        if (kind == null) throw new IllegalArgumentException("request kind is null");
        if (payload == null) payload = EMPTY;
        if (kind == RequestKind.STATUS && !validStatusPayload(payload)) {
            throw new IllegalArgumentException("a STATUS request carries no payload or the histogram flag, not "
                    + payload.length + " bytes");
        }
    }

    public static ClientRequest command(long requestId, byte[] command) {
        return new ClientRequest(requestId, RequestKind.COMMAND, command);
    }

    public static ClientRequest read(long requestId, byte[] query) {
        return new ClientRequest(requestId, RequestKind.READ, query);
    }

    public static ClientRequest status(long requestId) {
        return new ClientRequest(requestId, RequestKind.STATUS, EMPTY);
    }

    /** A STATUS request that asks for the node's latency histograms too. */
    public static ClientRequest statusWithLatencyHistograms(long requestId) {
        return new ClientRequest(requestId, RequestKind.STATUS, new byte[] {STATUS_WITH_LATENCY_HISTOGRAMS});
    }

    /** For a STATUS request: whether it asks for the latency histograms. */
    public boolean wantsLatencyHistograms() {
        return kind == RequestKind.STATUS && payload.length == 1 && payload[0] == STATUS_WITH_LATENCY_HISTOGRAMS;
    }

    static boolean validStatusPayload(byte[] payload) {
        return payload.length == 0 || (payload.length == 1 && payload[0] == STATUS_WITH_LATENCY_HISTOGRAMS);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientRequest r && r.requestId == requestId && r.kind == kind
                && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(requestId) * 31 + kind.hashCode();
    }

    @Override
    public String toString() {
        return "ClientRequest{" + requestId + " " + kind + " " + payload.length + "B}";
    }
}
