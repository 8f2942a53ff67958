package io.kvbench.chaos.history;

import java.util.List;
import java.util.Objects;

/** One broken rule: what is wrong, in words, and the operations that show it. */
public record Violation(String description, List<HistoryOp> operations) {
    public Violation {
        Objects.requireNonNull(description, "description");
        operations = List.copyOf(operations);
    }
}
