package io.kvbench.net;

/**
 * The node runtime's entry point for client requests. Called on the connection's I/O thread, in arrival
 * order: implementations must only enqueue the request (with its reply channel) for the core's thread.
 */
@FunctionalInterface
public interface ClientRequestHandler {
    void onRequest(ClientRequest request, ClientReplyChannel replyChannel);
}
