package io.kvbench.net;

/**
 * @param maxFrameBytes             the largest request frame accepted (and response sent), length prefix included
 * @param maxInFlightPerConnection  requests handed to the node and not yet answered, per connection; more are
 *                                  answered OVERLOADED at once
 * @param limits                    connections, frame deadline and buffer budget of the port
 */
public record ClientServerConfig(int maxFrameBytes, int maxInFlightPerConnection, PortLimits limits) {
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 1024;

    public ClientServerConfig {
        if (maxFrameBytes < WireFormat.HEADER_BYTES) throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes);
        if (maxInFlightPerConnection <= 0) throw new IllegalArgumentException("maxInFlightPerConnection " + maxInFlightPerConnection);
        if (limits == null) throw new IllegalArgumentException("null port limits");
        limits.requireFits("client port", maxFrameBytes);
    }

    /** With the default limits of this JVM ({@link InboundLimits#defaults()}). */
    public ClientServerConfig(int maxFrameBytes, int maxInFlightPerConnection) {
        this(maxFrameBytes, maxInFlightPerConnection, InboundLimits.defaults().client());
    }

    public static ClientServerConfig defaults() {
        return new ClientServerConfig(WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION);
    }

    public static ClientServerConfig of(PortLimits limits) {
        return new ClientServerConfig(WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION, limits);
    }
}
