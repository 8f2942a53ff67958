package io.kvbench.client;

import java.util.Objects;

/**
 * How a {@link KvClient} waits, retries and bounds its work. Built with {@link #builder()} (every setting named;
 * unset ones keep the defaults below) or from {@link #defaults()} with a {@code with...} method.
 * <ul>
 *   <li>{@code attemptTimeoutMillis}: how long one attempt waits for an answer before the node is presumed dead (a
 *   SIGSTOPped leader keeps its socket open and never answers) and the client fails over to the next node; also the
 *   connect timeout</li>
 *   <li>{@code operationTimeoutMillis}: the deadline of a whole operation, from submission, queueing included; after
 *   it the future fails with {@link KvTimeoutException}</li>
 *   <li>{@code maxInFlight}: operations sent and not yet answered; more wait in a FIFO queue</li>
 *   <li>{@code maxQueued}: operations waiting for an in-flight slot; beyond this the call fails at once with
 *   {@link KvException} (the client never blocks its caller)</li>
 *   <li>{@code retryBackoffMillis}: the first wait before a retry that needs one (OVERLOADED, no known leader,
 *   repeated connection failures); doubles per retry of the same operation, up to {@code maxRetryBackoffMillis}</li>
 *   <li>{@code ioThreads}: Netty event loop threads when the client owns its event loops</li>
 *   <li>{@code failoverFanOut}: after the leader failed (closed, silent, or no leader known), also send the retry to
 *   every other node, so it is already parked at whichever node wins the election instead of reaching it after a
 *   redirect; off: one node at a time</li>
 * </ul>
 */
public final class KvClientOptions {
    public static final long DEFAULT_ATTEMPT_TIMEOUT_MILLIS = 500;
    public static final long DEFAULT_OPERATION_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
    public static final int DEFAULT_MAX_QUEUED = 65_536;
    public static final long DEFAULT_RETRY_BACKOFF_MILLIS = 5;
    public static final long DEFAULT_MAX_RETRY_BACKOFF_MILLIS = 100;

    private final long attemptTimeoutMillis;
    private final long operationTimeoutMillis;
    private final int maxInFlight;
    private final int maxQueued;
    private final long retryBackoffMillis;
    private final long maxRetryBackoffMillis;
    private final int ioThreads;
    private final boolean failoverFanOut;

    private KvClientOptions(Builder builder) {
        requirePositive(builder.attemptTimeoutMillis, "attemptTimeoutMillis");
        requirePositive(builder.operationTimeoutMillis, "operationTimeoutMillis");
        requirePositive(builder.maxInFlight, "maxInFlight");
        requirePositive(builder.maxQueued, "maxQueued");
        requirePositive(builder.retryBackoffMillis, "retryBackoffMillis");
        if (builder.maxRetryBackoffMillis < builder.retryBackoffMillis) {
            throw new IllegalArgumentException("maxRetryBackoffMillis " + builder.maxRetryBackoffMillis
                    + " is below retryBackoffMillis " + builder.retryBackoffMillis);
        }
        requirePositive(builder.ioThreads, "ioThreads");
        if (builder.attemptTimeoutMillis > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attemptTimeoutMillis is also the connect timeout, an int: "
                    + builder.attemptTimeoutMillis);
        }
        this.attemptTimeoutMillis = builder.attemptTimeoutMillis;
        this.operationTimeoutMillis = builder.operationTimeoutMillis;
        this.maxInFlight = builder.maxInFlight;
        this.maxQueued = builder.maxQueued;
        this.retryBackoffMillis = builder.retryBackoffMillis;
        this.maxRetryBackoffMillis = builder.maxRetryBackoffMillis;
        this.ioThreads = builder.ioThreads;
        this.failoverFanOut = builder.failoverFanOut;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every default: 500 ms attempts, 10 s operations, 256 in flight, 65,536 queued, back-off 5-100 ms, fan-out on. */
    public static KvClientOptions defaults() {
        return builder().build();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        return builder().attemptTimeoutMillis(attemptTimeoutMillis).operationTimeoutMillis(operationTimeoutMillis)
                .maxInFlight(maxInFlight).maxQueued(maxQueued).retryBackoffMillis(retryBackoffMillis, maxRetryBackoffMillis)
                .ioThreads(ioThreads).failoverFanOut(failoverFanOut);
    }

    public KvClientOptions withAttemptTimeoutMillis(long millis) {
        return toBuilder().attemptTimeoutMillis(millis).build();
    }

    public KvClientOptions withOperationTimeoutMillis(long millis) {
        return toBuilder().operationTimeoutMillis(millis).build();
    }

    public KvClientOptions withMaxInFlight(int operations) {
        return toBuilder().maxInFlight(operations).build();
    }

    public KvClientOptions withMaxQueued(int operations) {
        return toBuilder().maxQueued(operations).build();
    }

    public KvClientOptions withFailoverFanOut(boolean enabled) {
        return toBuilder().failoverFanOut(enabled).build();
    }

    public long attemptTimeoutMillis() {
        return attemptTimeoutMillis;
    }

    public long operationTimeoutMillis() {
        return operationTimeoutMillis;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public int maxQueued() {
        return maxQueued;
    }

    public long retryBackoffMillis() {
        return retryBackoffMillis;
    }

    public long maxRetryBackoffMillis() {
        return maxRetryBackoffMillis;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public boolean failoverFanOut() {
        return failoverFanOut;
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) throw new IllegalArgumentException(name + " must be positive: " + value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KvClientOptions that && attemptTimeoutMillis == that.attemptTimeoutMillis
                && operationTimeoutMillis == that.operationTimeoutMillis && maxInFlight == that.maxInFlight
                && maxQueued == that.maxQueued && retryBackoffMillis == that.retryBackoffMillis
                && maxRetryBackoffMillis == that.maxRetryBackoffMillis && ioThreads == that.ioThreads
                && failoverFanOut == that.failoverFanOut;
    }

    @Override
    public int hashCode() {
        return Objects.hash(attemptTimeoutMillis, operationTimeoutMillis, maxInFlight, maxQueued, retryBackoffMillis,
                maxRetryBackoffMillis, ioThreads, failoverFanOut);
    }

    @Override
    public String toString() {
        return "KvClientOptions[attemptTimeoutMillis=" + attemptTimeoutMillis + ", operationTimeoutMillis="
                + operationTimeoutMillis + ", maxInFlight=" + maxInFlight + ", maxQueued=" + maxQueued
                + ", retryBackoffMillis=" + retryBackoffMillis + ", maxRetryBackoffMillis=" + maxRetryBackoffMillis
                + ", ioThreads=" + ioThreads + ", failoverFanOut=" + failoverFanOut + "]";
    }

    /** Named settings, each starting at its default; {@link #build()} checks them together. */
    public static final class Builder {
        private long attemptTimeoutMillis = DEFAULT_ATTEMPT_TIMEOUT_MILLIS;
        private long operationTimeoutMillis = DEFAULT_OPERATION_TIMEOUT_MILLIS;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private long retryBackoffMillis = DEFAULT_RETRY_BACKOFF_MILLIS;
        private long maxRetryBackoffMillis = DEFAULT_MAX_RETRY_BACKOFF_MILLIS;
        private int ioThreads = 1;
        private boolean failoverFanOut = true;

        private Builder() {
        }

        public Builder attemptTimeoutMillis(long value) { attemptTimeoutMillis = value; return this; }
        public Builder operationTimeoutMillis(long value) { operationTimeoutMillis = value; return this; }
        public Builder maxInFlight(int value) { maxInFlight = value; return this; }
        public Builder maxQueued(int value) { maxQueued = value; return this; }
        /** The first retry's wait and the cap it doubles up to. */
        public Builder retryBackoffMillis(long first, long max) { retryBackoffMillis = first; maxRetryBackoffMillis = max; return this; }
        public Builder ioThreads(int value) { ioThreads = value; return this; }
        public Builder failoverFanOut(boolean value) { failoverFanOut = value; return this; }

        public KvClientOptions build() {
            return new KvClientOptions(this);
        }
    }
}
