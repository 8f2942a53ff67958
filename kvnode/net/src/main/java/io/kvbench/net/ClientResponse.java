package io.kvbench.net;

import java.util.Arrays;

/**
 * A node's answer to one {@link ClientRequest}: {@code [u64 requestId][u8 kind][fields]}. Expected outcomes
 * are values, not exceptions: a client switches on {@link #kind()}.
 */
public sealed interface ClientResponse {
    /** The id of the request answered; 0 for an {@link Error} about the connection as a whole. */
    long requestId();

    ResponseKind kind();

    /** The state machine's opaque answer to a COMMAND or READ. */
    record Result(long requestId, byte[] result) implements ClientResponse {
        public Result {
            if (result == null) result = new byte[0];
        }

        @Override
        public ResponseKind kind() {
            return ResponseKind.RESULT;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Result r && r.requestId == requestId && Arrays.equals(r.result, result);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(requestId) * 31 + Arrays.hashCode(result);
        }

        @Override
        public String toString() {
            return "Result{" + requestId + " " + result.length + "B}";
        }
    }

    /**
     * This node is not the leader. {@code leaderId} is 0 when no leader is known, and
     * {@code leaderClientAddress} ("host:port" of the leader's client port) is empty then.
     */
    record NotLeader(long requestId, int leaderId, String leaderClientAddress) implements ClientResponse {
        public NotLeader {
            if (leaderClientAddress == null) leaderClientAddress = "";
        }

        @Override
        public ResponseKind kind() {
            return ResponseKind.NOT_LEADER;
        }
    }

    record Error(long requestId, ErrorCode code, String message) implements ClientResponse {
        public Error {
            if (code == null) throw new IllegalArgumentException("error code is null");
            if (message == null) message = "";
        }

        @Override
        public ResponseKind kind() {
            return ResponseKind.ERROR;
        }
    }

    /** The node's status as a JSON document. */
    record Status(long requestId, String json) implements ClientResponse {
        public Status {
            if (json == null) throw new IllegalArgumentException("status json is null");
        }

        @Override
        public ResponseKind kind() {
            return ResponseKind.STATUS;
        }
    }
}
