package io.kvbench.net;

/**
 * @param maxFrameBytes             the largest request frame accepted (and response sent), length prefix included
 * @param maxInFlightPerConnection  requests handed to the node and not yet answered, per connection; more are
 *                                  answered OVERLOADED at once
 */
public record ClientServerConfig(int maxFrameBytes, int maxInFlightPerConnection) {
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 1024;

    public ClientServerConfig {
        if (maxFrameBytes < WireFormat.HEADER_BYTES) throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes);
        if (maxInFlightPerConnection <= 0) throw new IllegalArgumentException("maxInFlightPerConnection " + maxInFlightPerConnection);
    }

    public static ClientServerConfig defaults() {
        return new ClientServerConfig(WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION);
    }
}
