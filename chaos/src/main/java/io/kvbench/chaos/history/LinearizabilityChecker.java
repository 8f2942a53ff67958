package io.kvbench.chaos.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks that a history of put/get/cas/delete on registers is linearizable (Herlihy &amp; Wing 1990).
 *
 * <p>Each key is checked on its own: linearizability is compositional (P-compositionality, Horn &amp; Kroening 2015),
 * and Porcupine and Knossos partition a key-value history the same way. Per key the search is Wing &amp; Gong (1993)
 * with Lowe's (2017) memoization, as in Porcupine (see {@link LinearizationSearch}). FAIL operations are left out
 * (they definitely did not take effect); UNKNOWN operations may take effect at any time after their invocation,
 * or never. The search is exponential in the worst case, so it is bounded by steps and wall-clock time; running out
 * gives {@link Verdict.Unknown} rather than a hang.
 */
public final class LinearizabilityChecker {
    public static final long DEFAULT_STEP_BUDGET_PER_KEY = 50_000_000L;
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofMinutes(1);

    private final long stepBudgetPerKey;
    private final Duration timeBudget;

    public LinearizabilityChecker() {
        this(DEFAULT_STEP_BUDGET_PER_KEY, DEFAULT_TIME_BUDGET);
    }

    /**
     * @param stepBudgetPerKey search steps allowed for one key's sub-history
     * @param timeBudget       wall-clock time allowed for the whole history
     */
    public LinearizabilityChecker(long stepBudgetPerKey, Duration timeBudget) {
        if (stepBudgetPerKey <= 0 || timeBudget.isNegative() || timeBudget.isZero()) {
            throw new IllegalArgumentException("budgets must be positive: " + stepBudgetPerKey + " steps, " + timeBudget);
        }
        this.stepBudgetPerKey = stepBudgetPerKey;
        this.timeBudget = Objects.requireNonNull(timeBudget, "timeBudget");
    }

    public Verdict check(History history) {
        long deadlineNanos = System.nanoTime() + Math.min(timeBudget.toNanos(), Long.MAX_VALUE / 4);
        List<Violation> violations = new ArrayList<>();
        List<String> undecidedKeys = new ArrayList<>();
        for (Map.Entry<String, List<HistoryOp>> entry : history.operationsByKey().entrySet()) {
            List<HistoryOp> relevant = relevantOperations(entry.getValue());
            LinearizationSearch search = new LinearizationSearch(relevant);
            switch (search.run(stepBudgetPerKey, deadlineNanos)) {
                case LINEARIZABLE -> { }
                case NOT_LINEARIZABLE -> violations.add(new Violation(
                        FailureWindow.describe(entry.getKey(), search), FailureWindow.operations(search)));
                case BUDGET_EXHAUSTED -> undecidedKeys.add(entry.getKey());
            }
        }
        if (!violations.isEmpty()) {
            return new Verdict.Fail(violations);
        }
        if (!undecidedKeys.isEmpty()) {
            return new Verdict.Unknown("search budget exhausted for keys " + undecidedKeys);
        }
        return new Verdict.Pass();
    }

    /** FAIL operations did not happen and UNKNOWN reads observed nothing, so neither constrains the order. */
    private static List<HistoryOp> relevantOperations(List<HistoryOp> operations) {
        List<HistoryOp> relevant = new ArrayList<>(operations.size());
        for (HistoryOp op : operations) {
            boolean observedNothing = op.outcome() == Outcome.UNKNOWN && op.kind() == OperationKind.GET;
            if (op.outcome() != Outcome.FAIL && !observedNothing) {
                relevant.add(op);
            }
        }
        return relevant;
    }
}
