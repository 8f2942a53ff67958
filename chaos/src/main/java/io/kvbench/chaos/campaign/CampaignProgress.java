package io.kvbench.chaos.campaign;

import java.util.OptionalDouble;

/**
 * Told after each trial, on the campaign's thread, between trials (never during a fault): for a progress line.
 * Only what a trial knows when it ends is passed; elections are timed from the nodes' event logs after the
 * campaign, so the time to the first acknowledged write stands in for them here.
 */
@FunctionalInterface
public interface CampaignProgress {
    CampaignProgress NONE = (trialsDone, trials, recovered, faultToFirstAckMillis) -> { };

    /**
     * @param trialsDone            trials finished so far, this one included
     * @param trials                trials the campaign runs
     * @param recovered             this trial saw a write acknowledged again (and the expected new leader)
     * @param faultToFirstAckMillis fault to the first acknowledged write, empty when none came before the deadline
     */
    void trialDone(int trialsDone, int trials, boolean recovered, OptionalDouble faultToFirstAckMillis);
}
