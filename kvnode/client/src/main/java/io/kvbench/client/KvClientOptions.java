package io.kvbench.client;

/**
 * How a {@link KvClient} waits, retries and bounds its work.
 *
 * @param attemptTimeoutMillis       how long one attempt waits for an answer before the node is presumed dead
 *                                   (a SIGSTOPped leader keeps its socket open and never answers) and the client
 *                                   fails over to the next node; also the connect timeout
 * @param operationTimeoutMillis     the deadline of a whole operation, from submission, queueing included;
 *                                   after it the future fails with {@link KvTimeoutException}
 * @param maxInFlight                operations sent and not yet answered; more wait in a FIFO queue
 * @param maxQueued                  operations waiting for an in-flight slot; beyond this the call fails at once
 *                                   with {@link KvException} (the client never blocks its caller)
 * @param retryBackoffMillis         the first wait before a retry that needs one (OVERLOADED, no known leader,
 *                                   repeated connection failures); doubles per retry of the same operation
 * @param maxRetryBackoffMillis      the cap on that wait
 * @param ioThreads                  Netty event loop threads when the client owns its event loops
 * @param failoverFanOut             after the leader failed (closed, silent, or no leader known), also send the retry
 *                                   to every other node, so it is already parked at whichever node wins the
 *                                   election instead of reaching it after a redirect; off: one node at a time
 */
public record KvClientOptions(long attemptTimeoutMillis, long operationTimeoutMillis, int maxInFlight, int maxQueued,
                              long retryBackoffMillis, long maxRetryBackoffMillis, int ioThreads, boolean failoverFanOut) {
    public static final long DEFAULT_ATTEMPT_TIMEOUT_MILLIS = 500;
    public static final long DEFAULT_OPERATION_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
    public static final int DEFAULT_MAX_QUEUED = 65_536;
    public static final long DEFAULT_RETRY_BACKOFF_MILLIS = 5;
    public static final long DEFAULT_MAX_RETRY_BACKOFF_MILLIS = 100;

    /** Fan-out on. */
    public KvClientOptions(long attemptTimeoutMillis, long operationTimeoutMillis, int maxInFlight, int maxQueued,
                           long retryBackoffMillis, long maxRetryBackoffMillis, int ioThreads) {
        this(attemptTimeoutMillis, operationTimeoutMillis, maxInFlight, maxQueued, retryBackoffMillis, maxRetryBackoffMillis,
                ioThreads, true);
    }

    public KvClientOptions {
        requirePositive(attemptTimeoutMillis, "attemptTimeoutMillis");
        requirePositive(operationTimeoutMillis, "operationTimeoutMillis");
        requirePositive(maxInFlight, "maxInFlight");
        requirePositive(maxQueued, "maxQueued");
        requirePositive(retryBackoffMillis, "retryBackoffMillis");
        if (maxRetryBackoffMillis < retryBackoffMillis) {
            throw new IllegalArgumentException("maxRetryBackoffMillis " + maxRetryBackoffMillis
                    + " is below retryBackoffMillis " + retryBackoffMillis);
        }
        requirePositive(ioThreads, "ioThreads");
        if (attemptTimeoutMillis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attemptTimeoutMillis is also the connect timeout, an int: " + attemptTimeoutMillis);
        }
    }

    public static KvClientOptions defaults() {
        return new KvClientOptions(DEFAULT_ATTEMPT_TIMEOUT_MILLIS, DEFAULT_OPERATION_TIMEOUT_MILLIS, DEFAULT_MAX_IN_FLIGHT,
                DEFAULT_MAX_QUEUED, DEFAULT_RETRY_BACKOFF_MILLIS, DEFAULT_MAX_RETRY_BACKOFF_MILLIS, 1);
    }

    public KvClientOptions withAttemptTimeoutMillis(long millis) {
        return new KvClientOptions(millis, operationTimeoutMillis, maxInFlight, maxQueued, retryBackoffMillis,
                maxRetryBackoffMillis, ioThreads, failoverFanOut);
    }

    public KvClientOptions withOperationTimeoutMillis(long millis) {
        return new KvClientOptions(attemptTimeoutMillis, millis, maxInFlight, maxQueued, retryBackoffMillis,
                maxRetryBackoffMillis, ioThreads, failoverFanOut);
    }

    public KvClientOptions withMaxInFlight(int operations) {
        return new KvClientOptions(attemptTimeoutMillis, operationTimeoutMillis, operations, maxQueued, retryBackoffMillis,
                maxRetryBackoffMillis, ioThreads, failoverFanOut);
    }

    public KvClientOptions withMaxQueued(int operations) {
        return new KvClientOptions(attemptTimeoutMillis, operationTimeoutMillis, maxInFlight, operations, retryBackoffMillis,
                maxRetryBackoffMillis, ioThreads, failoverFanOut);
    }

    public KvClientOptions withFailoverFanOut(boolean enabled) {
        return new KvClientOptions(attemptTimeoutMillis, operationTimeoutMillis, maxInFlight, maxQueued, retryBackoffMillis,
                maxRetryBackoffMillis, ioThreads, enabled);
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) throw new IllegalArgumentException(name + " must be positive: " + value);
    }
}
