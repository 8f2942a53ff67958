package io.kvbench.chaos.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether one key's sub-history is linearizable: the Wing &amp; Gong (1993) depth-first search for an order
 * of the operations that respects real time and the register's specification, with Lowe's (2017) memoization of
 * (set of linearized operations, model state) so no configuration is explored twice. This is the algorithm of
 * Porcupine's {@code checkSingle}: the history is a doubly linked list of call and return events in time order;
 * linearizing a call lifts it and its return out of the list; meeting a return whose call is still in the list
 * means the current prefix cannot be extended, so the search backtracks.
 */
final class LinearizationSearch {

    /** How the search ended. */
    enum Result { LINEARIZABLE, NOT_LINEARIZABLE, BUDGET_EXHAUSTED }

    private static final class Event {
        final int id;
        final HistoryOp op;
        final long time;
        final boolean isCall;
        Event match;
        Event previous;
        Event next;

        Event(int id, HistoryOp op, long time, boolean isCall) {
            this.id = id;
            this.op = op;
            this.time = time;
            this.isCall = isCall;
        }
    }

    private record Configuration(BitSet linearized, String state) {
    }

    private record Frame(Event call, String stateBefore) {
    }

    private final List<HistoryOp> operations;
    private final Event head = new Event(-1, null, Long.MIN_VALUE, true);

    /** The deepest partial linearization seen, for the failure report. */
    private List<HistoryOp> deepestOrder = List.of();
    private String deepestState;
    private HistoryOp blockingOp;

    /** @param operations one key's operations, without FAIL ones (they did not happen) */
    LinearizationSearch(List<HistoryOp> operations) {
        this.operations = List.copyOf(operations);
        linkEvents();
    }

    /** Runs the search; gives up once {@code stepBudget} steps are spent or {@code deadlineNanos} (System.nanoTime) passes. */
    Result run(long stepBudget, long deadlineNanos) {
        BitSet linearized = new BitSet(operations.size());
        Set<Configuration> seen = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        String state = null;
        Event event = head.next;
        long steps = 0;
        while (head.next != null) {
            if (++steps > stepBudget || ((steps & 0xFFF) == 0 && System.nanoTime() - deadlineNanos > 0)) {
                return Result.BUDGET_EXHAUSTED;
            }
            if (event.isCall) {
                Object next = RegisterModel.step(state, event.op);
                if (next != RegisterModel.ILLEGAL) {
                    BitSet extended = (BitSet) linearized.clone();
                    extended.set(event.id);
                    // Lowe 2017: a configuration already explored cannot lead anywhere new.
                    if (seen.add(new Configuration(extended, (String) next))) {
                        stack.push(new Frame(event, state));
                        state = (String) next;
                        linearized.set(event.id);
                        lift(event);
                        event = head.next;
                        continue;
                    }
                }
                event = event.next;
            } else {
                // A return whose call is not yet linearized: every order from here would put it after its return.
                rememberIfDeepest(stack, state, event.op);
                if (stack.isEmpty()) {
                    return Result.NOT_LINEARIZABLE;
                }
                Frame top = stack.pop();
                state = top.stateBefore();
                linearized.clear(top.call().id);
                unlift(top.call());
                event = top.call().next;
            }
        }
        return Result.LINEARIZABLE;
    }

    List<HistoryOp> operations() {
        return operations;
    }

    /** Operations of the longest linearizable prefix found, in linearization order. */
    List<HistoryOp> deepestOrder() {
        return deepestOrder;
    }

    String deepestState() {
        return deepestState;
    }

    /** The operation whose completion no linearization of the deepest prefix could get past. */
    HistoryOp blockingOp() {
        return blockingOp;
    }

    private void rememberIfDeepest(Deque<Frame> stack, String state, HistoryOp blocking) {
        if (blockingOp == null || stack.size() > deepestOrder.size()) {
            List<HistoryOp> order = new ArrayList<>(stack.size());
            stack.descendingIterator().forEachRemaining(frame -> order.add(frame.call().op));
            deepestOrder = order;
            deepestState = state;
            blockingOp = blocking;
        }
    }

    private void linkEvents() {
        List<Event> events = new ArrayList<>(operations.size() * 2);
        for (int id = 0; id < operations.size(); id++) {
            HistoryOp op = operations.get(id);
            Event call = new Event(id, op, op.invokeNanos(), true);
            // Knossos and Porcupine: an operation with unknown outcome may take effect at any time after its
            // call, or never, so its return is at +infinity.
            long returnTime = op.outcome() == Outcome.OK ? op.completeNanos() : Long.MAX_VALUE;
            Event ret = new Event(id, op, returnTime, false);
            call.match = ret;
            events.add(call);
            events.add(ret);
        }
        // At equal times calls come first, so operations that touch at an instant count as concurrent (Porcupine).
        events.sort(Comparator.comparingLong((Event e) -> e.time).thenComparing(e -> !e.isCall).thenComparingInt(e -> e.id));
        Event previous = head;
        for (Event event : events) {
            previous.next = event;
            event.previous = previous;
            previous = event;
        }
    }

    private static void lift(Event call) {
        call.previous.next = call.next;
        call.next.previous = call.previous; // a call always has its return after it
        Event ret = call.match;
        ret.previous.next = ret.next;
        if (ret.next != null) {
            ret.next.previous = ret.previous;
        }
    }

    private static void unlift(Event call) {
        Event ret = call.match;
        ret.previous.next = ret;
        if (ret.next != null) {
            ret.next.previous = ret;
        }
        call.previous.next = call;
        call.next.previous = call;
    }
}
