/**
 * Frames, codecs and Netty transports between nodes (raft {@link io.kvbench.raft.Message}s) and between
 * clients and nodes (opaque command and result bytes).
 *
 * <p>Netty I/O threads only frame, decode, enqueue and encode: they never touch consensus state and never
 * block. The node runtime plugs in through callbacks ({@code Consumer<Message>},
 * {@link io.kvbench.net.PeerConnectionListener}, {@link io.kvbench.net.ClientRequestHandler}), which run on
 * I/O threads and must only hand work over to the runtime's own thread.
 *
 * <p>Every frame is {@code [u32 length][u8 version=1][u8 frame type][body]}, where {@code length} counts the
 * bytes after itself. Integers are big-endian; strings are {@code [u32 byte count][UTF-8]}.
 */
package io.kvbench.net;
