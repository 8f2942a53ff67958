package io.kvbench.chaos.client;

import io.kvbench.chaos.history.Outcome;

/**
 * What one blocking client call learned.
 *
 * @param outcome       OK, FAIL (definitely not applied) or UNKNOWN (gave up: may or may not have taken effect)
 * @param value         GET: the value read (null = absent); PUT: the previous value (null = absent); else null
 * @param swapped       CAS: whether it swapped
 * @param clientId      session id of a write, -1 otherwise
 * @param sequence      session sequence number of a write, -1 otherwise
 * @param servedBy      node id that acknowledged it, 0 if none or unknown
 * @param completeNanos System.nanoTime when the outcome was learned
 */
public record ClientOutcome(Outcome outcome, String value, boolean swapped, long clientId, long sequence, int servedBy,
                            long completeNanos) {
    public boolean ok() {
        return outcome == Outcome.OK;
    }
}
