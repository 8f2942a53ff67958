package io.kvbench.chaos.probe;

/**
 * One probe write as the probe saw it: the node it went to, when it was invoked and when its answer arrived
 * ({@link System#nanoTime()}), and what the answer was. A write still outstanding has no answer yet.
 *
 * @param answeredNanos when the answer arrived; meaningless while {@code answer} is {@link Answer#OUTSTANDING}
 */
public record ProbeWrite(int node, long invokeNanos, long answeredNanos, Answer answer) {

    /** What became of a probe write. */
    public enum Answer {
        /** no answer yet: a probe write may stay outstanding as long as it likes (it is never retried or timed out) */
        OUTSTANDING,
        /** the write was applied and acknowledged */
        ACKNOWLEDGED,
        /** the node answered without applying it (not the leader, no leader, no session, an etcd error) */
        REFUSED,
        /** the connection closed or could not be opened: never answered */
        LOST
    }

    public static ProbeWrite outstanding(int node, long invokeNanos) {
        return new ProbeWrite(node, invokeNanos, 0, Answer.OUTSTANDING);
    }

    public ProbeWrite answered(long nanos, Answer outcome) {
        return new ProbeWrite(node, invokeNanos, nanos, outcome);
    }

    public boolean acknowledged() {
        return answer == Answer.ACKNOWLEDGED;
    }
}
