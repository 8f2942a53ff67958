package io.kvbench.chaos.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: concurrent processes invoke operations, each takes
 * effect atomically on a simulated register at one instant between its invocation and completion, and some end
 * FAIL (never applied) or UNKNOWN (applied or not, completion never seen).
 */
final class RandomRegisterHistory {
    private final Random random;
    private final List<String> keys;
    private final Map<String, String> registers = new HashMap<>();
    private final List<String> writtenValues = new ArrayList<>();
    private long time;
    private int valueCounter;

    private static final class Pending {
        HistoryOp op; // invocation only; result filled in when applied
        boolean applied;
        Outcome plannedOutcome;
    }

    RandomRegisterHistory(long seed, int keyCount) {
        this.random = new Random(seed);
        this.keys = new ArrayList<>();
        for (int index = 0; index < keyCount; index++) {
            keys.add("k" + index);
        }
    }

    History generate(int operationCount, int concurrency) {
        Pending[] pending = new Pending[concurrency];
        List<HistoryOp> history = new ArrayList<>();
        int started = 0;
        while (started < operationCount || anyPending(pending)) {
            time += 1 + random.nextInt(5);
            int process = random.nextInt(concurrency);
            Pending current = pending[process];
            if (current == null) {
                if (started < operationCount) {
                    pending[process] = invoke(process);
                    started++;
                }
            } else if (!current.applied) {
                apply(current);
            } else {
                history.add(complete(current));
                pending[process] = null;
            }
        }
        return new History(history);
    }

    private static boolean anyPending(Pending[] pending) {
        for (Pending current : pending) {
            if (current != null) {
                return true;
            }
        }
        return false;
    }

    private Pending invoke(int process) {
        String key = keys.get(random.nextInt(keys.size()));
        int dice = random.nextInt(100);
        Pending pending = new Pending();
        pending.plannedOutcome = random.nextInt(100) < 3 ? Outcome.UNKNOWN : random.nextInt(100) < 3 ? Outcome.FAIL : Outcome.OK;
        if (dice < 35) {
            pending.op = HistoryOp.put(process, key, newValue(), time, time, Outcome.OK);
        } else if (dice < 75) {
            pending.op = HistoryOp.get(process, key, time, time, Outcome.OK, null);
        } else if (dice < 95) {
            String expected = random.nextBoolean() ? registers.get(key) : randomWrittenValue();
            pending.op = HistoryOp.cas(process, key, expected, newValue(), time, time, Outcome.OK, false);
        } else {
            pending.op = HistoryOp.delete(process, key, time, time, Outcome.OK);
        }
        return pending;
    }

    /** The linearization point: the operation takes effect now (unless it is to fail, or an UNKNOWN coin says no). */
    private void apply(Pending pending) {
        pending.applied = true;
        HistoryOp op = pending.op;
        boolean takesEffect = pending.plannedOutcome == Outcome.OK
                || (pending.plannedOutcome == Outcome.UNKNOWN && random.nextBoolean());
        if (!takesEffect) {
            return;
        }
        String current = registers.get(op.key());
        switch (op.kind()) {
            case PUT -> registers.put(op.key(), op.value());
            case DELETE -> registers.remove(op.key());
            case GET -> pending.op = op.withResult(current);
            case CAS -> {
                boolean swapped = Objects.equals(current, op.expected());
                if (swapped) {
                    registers.put(op.key(), op.value());
                }
                pending.op = op.withResult(Boolean.toString(swapped));
            }
        }
    }

    private HistoryOp complete(Pending pending) {
        HistoryOp op = pending.op;
        long completeNanos = pending.plannedOutcome == Outcome.UNKNOWN && random.nextBoolean() ? HistoryOp.NEVER_COMPLETED : time;
        String result = pending.plannedOutcome == Outcome.OK ? op.result() : null;
        return new HistoryOp(op.process(), op.kind(), op.key(), op.value(), op.expected(), op.invokeNanos(),
                completeNanos, pending.plannedOutcome, result, HistoryOp.NO_WRITE_ID, HistoryOp.NO_WRITE_ID);
    }

    private String newValue() {
        String value = "v" + valueCounter++;
        writtenValues.add(value);
        return value;
    }

    private String randomWrittenValue() {
        return writtenValues.isEmpty() ? null : writtenValues.get(random.nextInt(writtenValues.size()));
    }
}
