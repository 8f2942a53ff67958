package io.kvbench.bench.load;

/** How requests are paced. */
public enum LoadMode {
    /**
     * Constant target rate, request i intended at start + i/rate, latency measured from the intended time
     * (wrk2's model). The mode for latency numbers.
     */
    OPEN_LOOP,
    /**
     * N clients, each sending its next request when the previous one completes. Finds peak throughput; its
     * latencies are service times and understate what a user at a fixed rate would see.
     */
    CLOSED_LOOP
}
