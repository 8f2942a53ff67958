package io.kvbench.net;

/**
 * Everything a node takes in at most on its two ports (docs/results-format.md, "node status"; the README's
 * {@code kvnode run} options set each).
 *
 * @param client                 the client port
 * @param peer                   the peer port, handshaken or not
 * @param handshakeTimeoutMillis a peer connection that has not sent its Hello by then is closed
 * @param handshakeMaxFrameBytes the largest frame a peer connection may send before its handshake completed: its
 *                               first frame is a Hello of a few dozen bytes, so a 16 MiB frame there is refused as
 *                               soon as its length prefix arrives instead of being buffered (issue 20, finding 3)
 */
public record InboundLimits(PortLimits client, PortLimits peer, long handshakeTimeoutMillis, int handshakeMaxFrameBytes) {
    public static final int DEFAULT_MAX_CLIENT_CONNECTIONS = 1024;
    /** Members keep one connection each; the rest is room for reconnections overlapping the old connection's close. */
    public static final int DEFAULT_MAX_PEER_CONNECTIONS = 64;
    public static final long DEFAULT_FRAME_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_HANDSHAKE_MAX_FRAME_BYTES = 4096;
    /** Each port's default budget is this share of the JVM's maximum heap (direct memory defaults to the same size). */
    private static final int BUDGET_SHARE_OF_HEAP = 8;
    private static final long MAX_DEFAULT_BUDGET_BYTES = 256L << 20;

    public InboundLimits {
        if (client == null || peer == null) throw new IllegalArgumentException("null port limits");
        if (handshakeTimeoutMillis <= 0) throw new IllegalArgumentException("handshake timeout must be positive: " + handshakeTimeoutMillis + " ms");
        if (handshakeMaxFrameBytes < WireFormat.HEADER_BYTES) {
            throw new IllegalArgumentException("handshake frame limit below a frame header: " + handshakeMaxFrameBytes);
        }
    }

    /** Defaults for this JVM: {@link #defaults(long)} of its maximum heap. */
    public static InboundLimits defaults() {
        return defaults(Runtime.getRuntime().maxMemory());
    }

    /**
     * Each port's budget is an eighth of {@code maxHeapBytes}, at least two of its largest frames and at most 256 MiB:
     * 32 MiB each on the 256 MiB heaps of the chaos nodes, which buffer up to 16 unfinished 2 MiB client frames and
     * two 16 MiB snapshots at once. Netty's buffers are direct memory, whose JVM limit defaults to the heap's size.
     */
    public static InboundLimits defaults(long maxHeapBytes) {
        long share = maxHeapBytes / BUDGET_SHARE_OF_HEAP;
        long clientBudget = Math.min(MAX_DEFAULT_BUDGET_BYTES, Math.max(2L * WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, share));
        long peerBudget = Math.min(MAX_DEFAULT_BUDGET_BYTES, Math.max(2L * WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES, share));
        return new InboundLimits(
                new PortLimits(DEFAULT_MAX_CLIENT_CONNECTIONS, DEFAULT_FRAME_TIMEOUT_MILLIS, clientBudget),
                new PortLimits(DEFAULT_MAX_PEER_CONNECTIONS, DEFAULT_FRAME_TIMEOUT_MILLIS, peerBudget),
                PeerServerConfig.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS, DEFAULT_HANDSHAKE_MAX_FRAME_BYTES);
    }
}
