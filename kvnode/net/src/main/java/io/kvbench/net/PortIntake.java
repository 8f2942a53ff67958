package io.kvbench.net;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import static java.lang.System.Logger.Level.WARNING;

/**
 * One listening port's limits in force: the connections open, the {@link InboundBudget} of unfinished frames, and
 * the refusals. A refusal is counted always and logged at WARNING at most once per {@link #LOG_INTERVAL_NANOS} per
 * reason, with how many more there were since: a flood of connections must not turn into a flood of log lines
 * (formatting them on the event loop is itself work). Thread-safe.
 */
final class PortIntake {
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String portName;
    private final PortLimits limits;
    private final InboundBudget budget;
    private final System.Logger log;
    private final LongSupplier nanoClock;
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);
    private final Map<Refusal, AtomicLong> lastLoggedNanos = new EnumMap<>(Refusal.class);
    private final Map<Refusal, AtomicLong> unlogged = new EnumMap<>(Refusal.class);

    PortIntake(String portName, PortLimits limits, System.Logger log) {
        this(portName, limits, log, System::nanoTime);
    }

    PortIntake(String portName, PortLimits limits, System.Logger log, LongSupplier nanoClock) {
        this.portName = portName;
        this.limits = limits;
        this.budget = new InboundBudget(limits.bufferBudgetBytes());
        this.log = log;
        this.nanoClock = nanoClock;
        for (Refusal reason : Refusal.values()) {
            refused.put(reason, new LongAdder());
            lastLoggedNanos.put(reason, new AtomicLong(Long.MIN_VALUE));
            unlogged.put(reason, new AtomicLong());
        }
    }

    PortLimits limits() {
        return limits;
    }

    InboundBudget budget() {
        return budget;
    }

    /** Counts one more open connection, or returns false (counting nothing) when the port is full. */
    boolean tryAdmit() {
        while (true) {
            int open = connections.get();
            if (open >= limits.maxConnections()) return false;
            if (connections.compareAndSet(open, open + 1)) return true;
        }
    }

    /** An admitted connection closed. */
    void closed() {
        connections.decrementAndGet();
    }

    /** Counts a refused or dropped connection and logs {@code detail} unless this reason was logged lately. */
    void refused(Refusal reason, String detail) {
        refused.get(reason).increment();
        long now = nanoClock.getAsLong();
        AtomicLong last = lastLoggedNanos.get(reason);
        long previous = last.get();
        boolean due = previous == Long.MIN_VALUE || now - previous >= LOG_INTERVAL_NANOS;
        if (!due || !last.compareAndSet(previous, now)) {
            unlogged.get(reason).incrementAndGet();
            return;
        }
        long more = unlogged.get(reason).getAndSet(0);
        log.log(WARNING, portName + ": " + reason.description() + ": " + detail
                + (more > 0 ? " (and " + more + " more since the last report of this reason)" : ""));
    }

    InboundStats stats() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Refusal reason : Refusal.values()) counts.put(reason.key(), refused.get(reason).sum());
        return new InboundStats(connections.get(), limits.maxConnections(), budget.reservedBytes(), budget.limitBytes(), counts);
    }
}
