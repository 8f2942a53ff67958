package io.kvbench.chaos.probe;

import java.io.IOException;
import java.util.Optional;

/**
 * How the probe reaches one target's nodes: a fresh write to one given node, never retried and never timed out.
 * Everything but {@link #prepare} and {@link #close} runs on the probe's event loop, one thread, so a transport
 * needs no locks.
 */
interface ProbeTransport extends AutoCloseable {

    /** Learns a probe write's fate, on the probe's event loop; called at most once per write (never for one still outstanding). */
    interface AnswerCallback {
        void answered(long nanos, ProbeWrite.Answer answer);
    }

    /**
     * Before a fault, off its critical path: opens what the writes will need (connections, kvnode sessions) so that
     * no write after the fault waits for a handshake or a registration. Blocks until done or {@code deadlineNanos};
     * a node it cannot reach is left out of the next trial. Called from the campaign's thread.
     */
    void prepare(long deadlineNanos) throws IOException, InterruptedException;

    /** Whether a write can go to {@code node} now: prepared, not seen dead in this trial, under its outstanding bound. */
    boolean canSend(int node);

    /** Sends one fresh write of {@code key} = {@code value} to {@code node}; {@code sequence} is unique per node. */
    void send(int node, long sequence, String key, String value, AnswerCallback answer);

    /** The trial ended: writes still outstanding are abandoned (their answers must not reach the ended trial). */
    void endTrial();

    /** Writes of the trial that had no open connection ready and waited for one to be opened (etcd; kvnode pipelines, 0). */
    default int freshConnections() {
        return 0;
    }

    /** The target's version as the running nodes report it, once {@link #prepare} has asked (etcd); else empty. */
    default Optional<String> version() {
        return Optional.empty();
    }

    /** The leader poller when the target is timed by polling its status (etcd), else empty. */
    default Optional<EtcdLeaderPoller> leaderPoller() {
        return Optional.empty();
    }

    @Override
    void close();
}
