package io.kvbench.client;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, polling; tests never sleep a fixed time and hope. */
final class Await {
    static final Duration DEADLINE = Duration.ofSeconds(10);

    private Await() {}

    static void until(String description, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("still waiting after " + DEADLINE + " for: " + description);
            LockSupport.parkNanos(1_000_000);
        }
    }
}
