package io.kvbench.bench.load;

import io.kvbench.bench.target.NoopTarget;
import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.Target;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Answers at once and counts what it was sent. */
final class CountingTarget implements Target {
    private final NoopTarget answers = new NoopTarget();
    final AtomicLong executed = new AtomicLong();

    @Override
    public String name() {
        return "counting";
    }

    @Override
    public void open() {
    }

    @Override
    public CompletableFuture<OpResult> execute(Operation operation) {
        executed.incrementAndGet();
        return answers.execute(operation);
    }

    @Override
    public void close() {
    }
}
