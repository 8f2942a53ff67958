package io.kvbench.net;

/**
 * Told when an outbound peer connection becomes usable (its handshake succeeded) and when it stops being
 * usable, so the runtime can tell the core, e.g. to resend from the last acknowledged index. Called on an
 * I/O thread: implementations must only enqueue.
 */
public interface PeerConnectionListener {
    void onPeerConnected(int peerNodeId);

    void onPeerDisconnected(int peerNodeId);

    PeerConnectionListener NONE = new PeerConnectionListener() {
        @Override
        public void onPeerConnected(int peerNodeId) {
        }

        @Override
        public void onPeerDisconnected(int peerNodeId) {
        }
    };
}
