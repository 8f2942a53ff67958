package io.kvbench.net;

/** Where the answer to one client request goes. Safe to use from any thread. */
public interface ClientReplyChannel {
    long requestId();

    /**
     * Sends the answer, once. Returns false when a reply was already sent (a timeout racing a result, say) or
     * the connection has closed; the response is then discarded. The response must carry this request's id.
     */
    boolean reply(ClientResponse response);

    /** False once the client's connection has closed: work for it may be skipped. */
    boolean isOpen();
}
