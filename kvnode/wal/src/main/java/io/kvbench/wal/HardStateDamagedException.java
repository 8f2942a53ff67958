package io.kvbench.wal;

import java.nio.file.Path;

/**
 * The {@code hardstate} file cannot be trusted to hold the newest term and vote: both copies are damaged, a
 * damaged copy may have held a newer durable state than the one that survives, or the log holds a term newer than
 * the surviving copy. Starting anyway could make the node vote twice in a term (§5.2, Election Safety), so the node
 * refuses to start; docs/storage-recovery.md says how an operator rebuilds it ({@code kvbench node-rebuild}).
 *
 * <p>Its own type so that callers (the node's start-up, the simulator's storage faults) can tell "the term and vote
 * are lost" from other damage.
 */
public final class HardStateDamagedException extends WalCorruptionException {
    public HardStateDamagedException(Path file, long offsetBytes, String problem) {
        super(file, offsetBytes, problem + "; the node must not start on it (it could vote twice in a term): "
                + "rebuild it as docs/storage-recovery.md describes");
    }
}
