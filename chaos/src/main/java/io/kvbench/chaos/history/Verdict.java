package io.kvbench.chaos.history;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** What a checker concluded: the history passes, fails with violations, or could not be decided. */
public sealed interface Verdict permits Verdict.Pass, Verdict.Fail, Verdict.Unknown {

    record Pass() implements Verdict {
        @Override
        public String describe() {
            return "pass";
        }
    }

    record Fail(List<Violation> violations) implements Verdict {
        public Fail {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("a failing verdict needs at least one violation");
            }
        }

        @Override
        public String describe() {
            return violations.size() + " violation(s):\n" + violations.stream()
                    .map(Violation::description)
                    .collect(Collectors.joining("\n"));
        }
    }

    /** Neither proven nor refuted, e.g. the linearizability search ran out of budget. */
    record Unknown(String reason) implements Verdict {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return "unknown (" + reason + ")";
        }
    }

    /** Pass when there are no violations, Fail otherwise. */
    static Verdict of(List<Violation> violations) {
        return violations.isEmpty() ? new Pass() : new Fail(violations);
    }

    default boolean passed() {
        return this instanceof Pass;
    }

    default List<Violation> violations() {
        return this instanceof Fail fail ? fail.violations() : List.of();
    }

    String describe();
}
