package io.kvbench.chaos.cluster.described;

/**
 * A cluster file that cannot be used. The message is one line naming the file and the entry, e.g.
 * {@code cluster.json: node 2: client 'host' is not host:port}.
 */
public final class ClusterFileException extends IllegalArgumentException {
    public ClusterFileException(String source, String message) {
        super(source + ": " + message);
    }
}
