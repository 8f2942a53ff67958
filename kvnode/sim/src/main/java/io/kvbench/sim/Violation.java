package io.kvbench.sim;

/** A broken invariant, with the virtual time it was seen at. */
public record Violation(String invariant, String detail, long timeTicks) {
    @Override
    public String toString() {
        return invariant + " at tick " + timeTicks + ": " + detail;
    }
}
