package io.kvbench.net;

/**
 * What one listening port (client or peer) takes in at most, so that slow or hostile connections cannot take the
 * node's memory or its event loop (issue 20: 300 connections each holding an unfinished 2 MiB frame deposed the
 * leader). Frames of up to {@link FrameDecoder#UNBUDGETED_FRAME_BYTES} are read without a reservation, so a port
 * buffers at most {@code bufferBudgetBytes + maxConnections * UNBUDGETED_FRAME_BYTES} of unfinished frames.
 *
 * @param maxConnections     connections open at once; one more is refused at once (an error frame, then closed)
 * @param frameTimeoutMillis a frame whose first byte arrived must be complete this long after, or the connection is
 *                           closed. Generous for a legitimate frame (a 16 MiB snapshot crosses loopback in ~10 ms and a
 *                           100 Mbit/s link in 1.4 s); what it stops is a connection holding part of a frame, and with
 *                           it part of the budget, for ever
 * @param bufferBudgetBytes  bytes of unfinished frames larger than {@link FrameDecoder#UNBUDGETED_FRAME_BYTES} that all
 *                           connections of the port may hold at once: such a frame reserves its whole length when its
 *                           length prefix arrives, and a frame that cannot is refused (its connection closed), never
 *                           buffered. At least the port's largest frame, so that one always fits
 */
public record PortLimits(int maxConnections, long frameTimeoutMillis, long bufferBudgetBytes) {
    /**
     * The kernel's receive buffer of every accepted connection (set on the listening socket, so that accepted ones
     * inherit it and its window scale). Without it Linux grows each buffer up to {@code tcp_rmem}'s maximum (6 MiB
     * here): a connection refused mid-frame had its sender's whole frame queued in the kernel by the time it was
     * closed, 900 such connections gigabytes of kernel memory, and freeing it at their close took the event loop
     * long enough to miss heartbeats. 256 KiB still fills a 1 Gbit/s link at a 2 ms round trip (a 16 MiB snapshot
     * takes 3 s at a 50 ms one, within the frame timeout).
     */
    public static final int SOCKET_RECEIVE_BUFFER_BYTES = 256 * 1024;

    public PortLimits {
        if (maxConnections <= 0) throw new IllegalArgumentException("max connections must be positive: " + maxConnections);
        if (frameTimeoutMillis <= 0) throw new IllegalArgumentException("frame timeout must be positive: " + frameTimeoutMillis + " ms");
        if (bufferBudgetBytes <= 0) throw new IllegalArgumentException("inbound buffer budget must be positive: " + bufferBudgetBytes);
    }

    /** Throws unless a frame of {@code maxFrameBytes} fits the budget. */
    void requireFits(String port, int maxFrameBytes) {
        if (bufferBudgetBytes < maxFrameBytes) {
            throw new IllegalArgumentException(port + " inbound buffer budget of " + bufferBudgetBytes
                    + " bytes is below its largest frame (" + maxFrameBytes + " bytes): such a frame could never arrive");
        }
    }
}
