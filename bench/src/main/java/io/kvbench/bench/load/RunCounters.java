package io.kvbench.bench.load;

import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Outcome;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counts shared by all sender threads and the completion callbacks; LongAdder keeps writers uncontended. */
final class RunCounters {

    /** Everything answered this interval, warm-up included: for the progress line. */
    final LongAdder intervalCompletions = new LongAdder();
    final LongAdder intervalAnswered = new LongAdder();
    final LongAdder intervalErrors = new LongAdder();
    final LongAdder intervalTimeouts = new LongAdder();
    final LongAdder totalAnswered = new LongAdder();
    final LongAdder totalErrors = new LongAdder();
    final LongAdder totalTimeouts = new LongAdder();
    final LongAdder outstanding = new LongAdder();
    /**
     * Operations the target acknowledged (answered, not FAILED), warm-up included: read at both ends of the span
     * whose CPU is measured, so CPU per operation divides by what was acknowledged in that very span.
     */
    final LongAdder acknowledged = new LongAdder();
    final AtomicLong lastMeasuredCompletionNanos = new AtomicLong(Long.MIN_VALUE);
    private final ConcurrentHashMap<String, LongAdder> errorsByKind = new ConcurrentHashMap<>();

    void countCompletion(OpResult result, boolean measured, long completionNanos) {
        intervalCompletions.increment();
        if (result.outcome().answered() && result.outcome() != Outcome.FAILED) {
            acknowledged.increment();
        }
        if (!measured) {
            return;
        }
        lastMeasuredCompletionNanos.accumulateAndGet(completionNanos, (a, b) -> a - b >= 0 ? a : b);
        if (result.outcome() == Outcome.TIMEOUT) {
            countTimeouts(1);
            return;
        }
        intervalAnswered.increment();
        totalAnswered.increment();
        if (result.outcome() == Outcome.FAILED) {
            intervalErrors.increment();
            totalErrors.increment();
            errorsByKind.computeIfAbsent(result.failureKind(), kind -> new LongAdder()).increment();
        }
    }

    void countTimeouts(long count) {
        intervalTimeouts.add(count);
        totalTimeouts.add(count);
    }

    Map<String, Long> errorsByKind() {
        Map<String, Long> copy = new TreeMap<>();
        errorsByKind.forEach((kind, count) -> copy.put(kind, count.sum()));
        return copy;
    }
}
