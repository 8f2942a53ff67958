package io.kvbench.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.bench.target.NoopTarget;
import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The hook a caller reads the target's own counters in runs once, where the measured span begins. */
@Timeout(30)
class MeasureStartHookTest {
    @TempDir
    Path directory;

    /** Answers at once and counts what it was sent. */
    private static final class CountingTarget implements Target {
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

    @Test
    void runsOnceWhenWarmUpEndsWithWarmUpTrafficAlreadySent() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(400).warmup(Duration.ofMillis(500))
                .duration(Duration.ofMillis(500)).seed(3).build();
        CountingTarget target = new CountingTarget();
        List<long[]> calls = new ArrayList<>(); // {nanoTime, operations sent so far}
        long beforeRunNanos = System.nanoTime();

        LoadSummary summary = LoadGenerator.run(spec, target, directory, null,
                () -> calls.add(new long[] {System.nanoTime(), target.executed.get()}));

        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)[0] - beforeRunNanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(calls.get(0)[1]).as("sent during warm-up").isPositive();
        assertThat(target.executed.get()).isGreaterThan(calls.get(0)[1]);
        assertThat(summary.count()).isPositive();
    }

    @Test
    void withoutWarmUpItRunsBeforeTheFirstSend() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(400).warmup(Duration.ZERO)
                .duration(Duration.ofMillis(500)).seed(3).build();
        CountingTarget target = new CountingTarget();
        List<Long> sentAtHook = new ArrayList<>();

        LoadGenerator.run(spec, target, directory, null, () -> sentAtHook.add(target.executed.get()));

        assertThat(sentAtHook).containsExactly(0L);
        assertThat(target.executed.get()).isPositive();
    }
}
