package io.kvbench.chaos.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The part of a non-linearizable sub-history worth reading: the operation no linearization could get past, the
 * operations concurrent with it, and the last few operations of the deepest partial linearization (which set the
 * register to the state the blocking operation contradicts). Times are relative to the window's first invocation.
 */
final class FailureWindow {
    static final int LINEARIZED_OPERATIONS_SHOWN = 3;

    private FailureWindow() {
    }

    static List<HistoryOp> operations(LinearizationSearch search) {
        HistoryOp blocking = search.blockingOp();
        List<HistoryOp> deepest = search.deepestOrder();
        Set<HistoryOp> window = new LinkedHashSet<>(
                deepest.subList(Math.max(0, deepest.size() - LINEARIZED_OPERATIONS_SHOWN), deepest.size()));
        long blockingEnd = returnTime(blocking);
        for (HistoryOp op : search.operations()) {
            if (op.invokeNanos() <= blockingEnd && returnTime(op) >= blocking.invokeNanos()) {
                window.add(op);
            }
        }
        List<HistoryOp> sorted = new ArrayList<>(window);
        sorted.sort(Comparator.comparingLong(HistoryOp::invokeNanos).thenComparingLong(FailureWindow::returnTime));
        return sorted;
    }

    static String describe(String key, LinearizationSearch search) {
        List<HistoryOp> window = operations(search);
        long start = window.get(0).invokeNanos();
        Set<HistoryOp> linearized = new LinkedHashSet<>(search.deepestOrder());
        StringBuilder text = new StringBuilder();
        text.append("key ").append(key).append(" is not linearizable: no order of its ")
                .append(search.operations().size()).append(" operations gets past the completion of ")
                .append(search.blockingOp().describe()).append('\n');
        text.append("  deepest partial linearization: ").append(search.deepestOrder().size())
                .append(" operations, after which the register holds ").append(HistoryOp.quote(search.deepestState()))
                .append('\n');
        text.append(String.format(Locale.ROOT, "  window (µs after %d ns):%n", start));
        for (HistoryOp op : window) {
            String end = op.outcome() == Outcome.OK ? micros(op.completeNanos() - start) : "never";
            String mark = op == search.blockingOp() ? "  <- cannot be linearized here"
                    : linearized.contains(op) ? "  (linearized #" + (indexOf(search.deepestOrder(), op) + 1) + ")" : "";
            text.append(String.format(Locale.ROOT, "    [%10s, %10s] %s%s%n",
                    micros(op.invokeNanos() - start), end, op.describe(), mark));
        }
        return text.toString();
    }

    private static long returnTime(HistoryOp op) {
        return op.outcome() == Outcome.OK ? op.completeNanos() : Long.MAX_VALUE;
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e3);
    }

    private static int indexOf(List<HistoryOp> order, HistoryOp op) {
        for (int index = 0; index < order.size(); index++) {
            if (order.get(index) == op) {
                return index;
            }
        }
        return -1;
    }
}
