package io.kvbench.net;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of unfinished frames that the connections of one port may hold together ({@link PortLimits#bufferBudgetBytes}).
 * A frame reserves its whole length before its body is buffered and releases it when it is complete or its
 * connection closes. Thread-safe: connections may live on several event loops.
 */
final class InboundBudget {
    private final long limitBytes;
    private final AtomicLong reservedBytes = new AtomicLong();

    InboundBudget(long limitBytes) {
        if (limitBytes <= 0) throw new IllegalArgumentException("budget must be positive: " + limitBytes);
        this.limitBytes = limitBytes;
    }

    /** Reserves {@code bytes}, or returns false (reserving nothing) when that would go over the limit. */
    boolean tryReserve(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("reserve " + bytes);
        while (true) {
            long current = reservedBytes.get();
            if (current + bytes > limitBytes) return false;
            if (reservedBytes.compareAndSet(current, current + bytes)) return true;
        }
    }

    void release(long bytes) {
        long after = reservedBytes.addAndGet(-bytes);
        if (after < 0) throw new IllegalStateException("released more than was reserved: " + after);
    }

    long reservedBytes() {
        return reservedBytes.get();
    }

    long limitBytes() {
        return limitBytes;
    }
}
