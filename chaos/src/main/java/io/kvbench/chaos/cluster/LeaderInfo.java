package io.kvbench.chaos.cluster;

/**
 * A leader as the cluster reports it.
 *
 * @param nodeId the leader's id (1..N)
 * @param term   its term; {@link #UNKNOWN_TERM} when the target does not say
 */
public record LeaderInfo(int nodeId, long term) {
    public static final long UNKNOWN_TERM = -1;

    public boolean termKnown() {
        return term != UNKNOWN_TERM;
    }
}
