package io.kvbench.net;

import java.util.Arrays;

/**
 * One client request: {@code [u64 requestId][u8 kind][payload]}. The request id only pairs a response with
 * its request on one connection; it is chosen by the client and carries no meaning to the server.
 */
public record ClientRequest(long requestId, RequestKind kind, byte[] payload) {
    private static final byte[] EMPTY = new byte[0];

    public ClientRequest {
        if (kind == null) throw new IllegalArgumentException("request kind is null");
        if (payload == null) payload = EMPTY;
        if (kind == RequestKind.STATUS && payload.length > 0) {
            throw new IllegalArgumentException("a STATUS request carries no payload");
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
