package io.kvbench.client;

import io.kvbench.net.ClientConnection;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** What {@link LeaderConnection} and {@link StandbyConnections} do with a connection that may still be connecting. */
final class ConnectionFutures {
    private ConnectionFutures() {
    }

    /** Failed to connect, or connected and since closed; false while still connecting. */
    static boolean isBroken(CompletableFuture<ClientConnection> connection) {
        if (!connection.isDone()) return false;
        return connection.isCompletedExceptionally() || !connection.join().isOpen();
    }

    /**
     * Closes it once connected, on {@code closer}: {@link ClientConnection#close()} blocks and must not run on an
     * I/O thread. Closing fails the requests still pending on it; their operations retry elsewhere.
     */
    static void closeWhenConnected(CompletableFuture<ClientConnection> connection, Executor closer) {
        connection.thenAccept(open -> {
            try {
                closer.execute(open::close);
            } catch (RejectedExecutionException clientClosed) {
                // The client is closing; shutting down its event loops closes this channel too.
            }
        });
    }

    /** The client is closing (not on an I/O thread): close it now if connected, else once it is. */
    static void closeNowOrWhenConnected(CompletableFuture<ClientConnection> connection, Executor closer) {
        if (connection.isDone() && !connection.isCompletedExceptionally()) {
            connection.join().close();
        } else {
            closeWhenConnected(connection, closer);
        }
    }
}
