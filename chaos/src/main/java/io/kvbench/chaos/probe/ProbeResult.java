package io.kvbench.chaos.probe;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the probe saw in one trial.
 *
 * @param firstAckNanos     the figure's end: {@link FirstAckRule} over the trial's writes; empty if none was acknowledged
 * @param writes            probe writes sent in the trial
 * @param maxGapNanos       the longest stretch between the fault and the first acknowledgement (or the trial's end)
 *                          without a probe round starting: the figure's resolution in this trial (the interval, unless
 *                          the probe's thread was held up)
 * @param cpuNanos          CPU time the probe's thread used from the fault until it stopped writing (its first
 *                          acknowledgement that counts, once known; or the trial's
 *                          end): the harness's own share of the two cores while the target elects; -1 if not measured
 * @param freshConnections  writes that found no open connection ready and waited for a connect (etcd)
 * @param leader            the leader change as status polling saw it (etcd); empty where the nodes' event logs time it
 * @param oldTerm           the old leader's term as polling saw it before the fault (etcd), else -1
 */
public record ProbeResult(OptionalLong firstAckNanos, int writes, long maxGapNanos, long cpuNanos, int freshConnections,
                          Optional<PolledLeader> leader, long oldTerm) {
}
