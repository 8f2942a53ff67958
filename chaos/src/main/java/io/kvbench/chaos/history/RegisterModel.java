package io.kvbench.chaos.history;

import java.util.Objects;

/**
 * The sequential specification of one key: a register holding a value or nothing (null), initially nothing.
 * Porcupine's Model.Step: given the state and one operation with its observed output, say whether the operation
 * could have happened there and what the state becomes.
 */
final class RegisterModel {
    /** Returned by {@link #step} when the operation cannot be linearized in the given state. */
    static final Object ILLEGAL = new Object();

    private RegisterModel() {
    }

    /** The state after {@code op} in state {@code value}, or {@link #ILLEGAL}. */
    static Object step(String value, HistoryOp op) {
        boolean known = op.outcome() == Outcome.OK;
        return switch (op.kind()) {
            case PUT -> op.value();
            case DELETE -> null;
            case GET -> !known || Objects.equals(value, op.result()) ? value : ILLEGAL;
            case CAS -> cas(value, op, known);
        };
    }

    private static Object cas(String value, HistoryOp op, boolean known) {
        boolean matches = Objects.equals(value, op.expected());
        if (!known) {
            // An UNKNOWN CAS that is linearized does what CAS does; "never took effect" is covered by
            // linearizing it last, which its infinite return time allows.
            return matches ? op.value() : value;
        }
        if (op.swapped()) {
            return matches ? op.value() : ILLEGAL;
        }
        return matches ? ILLEGAL : value;
    }
}
