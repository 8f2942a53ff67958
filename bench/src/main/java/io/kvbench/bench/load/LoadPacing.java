package io.kvbench.bench.load;

import java.util.Locale;

/**
 * Which thread decides when each request goes out and hands it to the target. Latency is measured from the
 * intended time either way (wrk2), so a late send counts against the target; what differs is what pacing
 * costs the machine the target shares.
 */
public enum LoadPacing {
    /**
     * Sender threads of the generator's own ({@code load-sender-<n>}): each parks until a request's intended time
     * (spinning the last 100 µs) or, in closed loop, until a client is free, and calls the target from there. Every
     * request then crosses threads twice: the target's I/O thread is woken to send it, and the sender is woken by
     * its completion (closed loop). Works with every target.
     */
    SENDER_THREADS("threads"),
    /**
     * On the target's own I/O thread, when it offers one ({@link io.kvbench.bench.target.Target#sendingLoop()}):
     * a timer on that event loop for the next intended time (open loop), or the completion of one request sending
     * the next (closed loop), as wrk2 and wrk do on their event loops. No thread hand-off per request. A target
     * without such a thread falls back to {@link #SENDER_THREADS}; run.json records what was used.
     */
    TARGET_EVENT_LOOP("event-loop");

    private final String label;

    LoadPacing(String label) {
        this.label = label;
    }

    /** The name on the command line ({@code kvbench load --pacing}) and in run.json. */
    public String label() {
        return label;
    }

    /** The pacing named {@code label}; IllegalArgumentException naming the choices otherwise. */
    public static LoadPacing fromLabel(String label) {
        for (LoadPacing pacing : values()) {
            if (pacing.label.equals(label.toLowerCase(Locale.ROOT))) return pacing;
        }
        throw new IllegalArgumentException("pacing must be threads or event-loop, not " + label);
    }
}
