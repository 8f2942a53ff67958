package io.kvbench.chaos.probe;

import java.util.Collection;
import java.util.OptionalLong;

/**
 * The rule for "fault to first acknowledged write", the same for every target (docs/results-format.md): the
 * earliest acknowledgement of a probe write invoked once the fault was certainly in effect. A write invoked
 * earlier may have been acknowledged by the old leader before the fault landed, so it never counts, however late
 * its answer. Acknowledgements are compared by when they arrived, not by the order the probe learned of them, so
 * an answer processed late still wins if it arrived first.
 */
public final class FirstAckRule {
    private FirstAckRule() {
    }

    /** The earliest {@link ProbeWrite#answeredNanos} of an acknowledged write invoked at or after {@code countFromNanos}. */
    public static OptionalLong earliestAck(Collection<ProbeWrite> writes, long countFromNanos) {
        boolean found = false;
        long earliest = 0;
        for (ProbeWrite write : writes) {
            if (!write.acknowledged() || write.invokeNanos() - countFromNanos < 0) continue;
            if (!found || write.answeredNanos() - earliest < 0) {
                earliest = write.answeredNanos();
                found = true;
            }
        }
        return found ? OptionalLong.of(earliest) : OptionalLong.empty();
    }
}
