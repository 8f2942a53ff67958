package io.kvbench.chaos.history;

import java.util.Objects;
import java.util.Optional;

/**
 * One client operation: its invocation, completion and what the client learned.
 *
 * @param process        client (thread) that issued it; one outstanding operation per process
 * @param kind           PUT, GET, CAS or DELETE
 * @param key            the key operated on
 * @param value          value written by PUT and CAS; null for GET and DELETE
 * @param expected       value CAS compares against (null = key absent); null for other kinds
 * @param invokeNanos    when the client sent it (any monotonic clock shared by all processes)
 * @param completeNanos  when the client learned the outcome; {@link #NEVER_COMPLETED} if it never did
 * @param outcome        OK, FAIL (definitely not applied) or UNKNOWN (may or may not have taken effect)
 * @param result         GET: the value read (null = absent); CAS: "true" if it swapped, "false" if not;
 *                       only for OK outcomes, null otherwise
 * @param clientId       session id of a write, or {@link #NO_WRITE_ID}
 * @param sequence       the session's sequence number of a write, or {@link #NO_WRITE_ID}
 */
public record HistoryOp(
        int process,
        OperationKind kind,
        String key,
        String value,
        String expected,
        long invokeNanos,
        long completeNanos,
        Outcome outcome,
        String result,
        long clientId,
        long sequence) {

    public static final long NEVER_COMPLETED = Long.MAX_VALUE;
    public static final long NO_WRITE_ID = -1;

    public HistoryOp {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(outcome, "outcome");
        // history.csv writes null as an empty cell, so an empty string would not survive a round trip.
        requireNotEmpty("key", key);
        requireNotEmpty("value", value);
        requireNotEmpty("expected", expected);
        requireNotEmpty("result", result);
        if (completeNanos < invokeNanos) {
            throw new IllegalArgumentException("completes before it is invoked: " + invokeNanos + " > " + completeNanos);
        }
        if (outcome == Outcome.OK && completeNanos == NEVER_COMPLETED) {
            throw new IllegalArgumentException("an acknowledged operation must have a completion time");
        }
        boolean writesValue = kind == OperationKind.PUT || kind == OperationKind.CAS;
        if (writesValue != (value != null)) {
            throw new IllegalArgumentException(kind + (writesValue ? " needs a value" : " takes no value"));
        }
        if (kind != OperationKind.CAS && expected != null) {
            throw new IllegalArgumentException(kind + " takes no expected value");
        }
        if (result != null && (outcome != Outcome.OK || !(kind == OperationKind.GET || kind == OperationKind.CAS))) {
            throw new IllegalArgumentException("only acknowledged GET and CAS have a result, not " + outcome + " " + kind);
        }
        if (kind == OperationKind.CAS && outcome == Outcome.OK && !("true".equals(result) || "false".equals(result))) {
            throw new IllegalArgumentException("an acknowledged CAS must say whether it swapped (\"true\"/\"false\"): " + result);
        }
        if ((clientId == NO_WRITE_ID) != (sequence == NO_WRITE_ID) || clientId < NO_WRITE_ID || sequence < NO_WRITE_ID) {
            throw new IllegalArgumentException("clientId and sequence go together: " + clientId + "#" + sequence);
        }
    }

    public static HistoryOp put(int process, String key, String value, long invokeNanos, long completeNanos, Outcome outcome) {
        return new HistoryOp(process, OperationKind.PUT, key, value, null, invokeNanos, completeNanos, outcome, null,
                NO_WRITE_ID, NO_WRITE_ID);
    }

    /** A GET; {@code valueRead} is null when the key was absent, and ignored unless the outcome is OK. */
    public static HistoryOp get(int process, String key, long invokeNanos, long completeNanos, Outcome outcome, String valueRead) {
        return new HistoryOp(process, OperationKind.GET, key, null, null, invokeNanos, completeNanos, outcome,
                outcome == Outcome.OK ? valueRead : null, NO_WRITE_ID, NO_WRITE_ID);
    }

    /** A CAS from {@code expected} (null = absent) to {@code value}; {@code swapped} is ignored unless the outcome is OK. */
    public static HistoryOp cas(int process, String key, String expected, String value,
                                long invokeNanos, long completeNanos, Outcome outcome, boolean swapped) {
        return new HistoryOp(process, OperationKind.CAS, key, value, expected, invokeNanos, completeNanos, outcome,
                outcome == Outcome.OK ? Boolean.toString(swapped) : null, NO_WRITE_ID, NO_WRITE_ID);
    }

    public static HistoryOp delete(int process, String key, long invokeNanos, long completeNanos, Outcome outcome) {
        return new HistoryOp(process, OperationKind.DELETE, key, null, null, invokeNanos, completeNanos, outcome, null,
                NO_WRITE_ID, NO_WRITE_ID);
    }

    public HistoryOp withWriteId(long newClientId, long newSequence) {
        return new HistoryOp(process, kind, key, value, expected, invokeNanos, completeNanos, outcome, result,
                newClientId, newSequence);
    }

    public HistoryOp withResult(String newResult) {
        return new HistoryOp(process, kind, key, value, expected, invokeNanos, completeNanos, outcome, newResult,
                clientId, sequence);
    }

    public boolean completed() {
        return completeNanos != NEVER_COMPLETED;
    }

    /** The session's (clientId, sequence) for this write, if it carries one. */
    public Optional<WriteId> writeId() {
        return clientId == NO_WRITE_ID ? Optional.empty() : Optional.of(new WriteId(clientId, sequence));
    }

    /** For an acknowledged CAS: whether it replaced the value. */
    public boolean swapped() {
        if (kind != OperationKind.CAS || outcome != Outcome.OK) {
            throw new IllegalStateException("only an acknowledged CAS has swapped/not-swapped: " + this);
        }
        return Boolean.parseBoolean(result);
    }

    /** A one-line description for violation reports, e.g. {@code p3 CAS k1 "a"->"b" OK swapped}. */
    public String describe() {
        StringBuilder text = new StringBuilder("p").append(process).append(' ').append(kind).append(' ').append(key);
        switch (kind) {
            case PUT -> text.append(' ').append(quote(value));
            case CAS -> text.append(' ').append(quote(expected)).append("->").append(quote(value));
            default -> { }
        }
        text.append(' ').append(outcome);
        if (outcome == Outcome.OK && kind == OperationKind.GET) {
            text.append(" read ").append(quote(result));
        } else if (outcome == Outcome.OK && kind == OperationKind.CAS) {
            text.append(swapped() ? " swapped" : " not swapped");
        }
        writeId().ifPresent(id -> text.append(" [").append(id).append(']'));
        return text.toString();
    }

    static String quote(String maybeValue) {
        return maybeValue == null ? "(absent)" : '"' + maybeValue + '"';
    }

    private static void requireNotEmpty(String name, String text) {
        if (text != null && text.isEmpty()) {
            throw new IllegalArgumentException(name + " must be null or non-empty (history.csv writes null as an empty cell)");
        }
    }
}
