package io.kvbench.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The hook a caller reads the target's own counters in runs once, where the measured span begins. */
@Timeout(30)
class MeasureStartHookTest {
    @TempDir
    Path directory;

    @Test
    void runsOnceWhenWarmUpEndsWithWarmUpTrafficAlreadySent() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(400).warmup(Duration.ofMillis(500))
                .duration(Duration.ofMillis(500)).seed(3).build();
        CountingTarget target = new CountingTarget();
        List<long[]> calls = new CopyOnWriteArrayList<>(); // {nanoTime, operations sent so far}
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
    void withoutWarmUpItRunsBeforeTheClockStartsSoItsTimeIsNotChargedToTheFirstRequests() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(400).warmup(Duration.ZERO)
                .duration(Duration.ofMillis(500)).seed(3).build();
        CountingTarget target = new CountingTarget();
        List<Long> sentAtHook = new ArrayList<>();

        LoadSummary summary = LoadGenerator.run(spec, target, directory, null, () -> {
            sentAtHook.add(target.executed.get());
            pause(400); // a slow reading: were the clock running, the first requests would be ~400 ms late
        });

        assertThat(sentAtHook).containsExactly(0L);
        assertThat(target.executed.get()).isPositive();
        assertThat(summary.latencyMicrosMax()).isLessThan(TimeUnit.MILLISECONDS.toMicros(300));
    }

    @Test
    void aSlowReadingKeepsTheIntervalsTickingAndIsWaitedFor() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(400).warmup(Duration.ofMillis(200))
                .duration(Duration.ofSeconds(3)).seed(3).build();
        AtomicBoolean finished = new AtomicBoolean();

        LoadSummary summary = LoadGenerator.run(spec, new CountingTarget(), directory, null, () -> {
            pause(1_500);
            finished.set(true);
        });

        assertThat(finished).as("the run waited for the reading").isTrue();
        // Every measured second was logged on its own tick while the reading ran: none starved, none doubled (a
        // reading on the reporting thread would leave the first second's operations to be drained into the second).
        List<String> rows = Files.readAllLines(directory.resolve("timeseries.csv"));
        int opsColumn = List.of(rows.get(0).split(",")).indexOf("ops");
        List<Long> opsPerSecond = rows.subList(1, rows.size()).stream()
                .map(row -> Long.parseLong(row.split(",")[opsColumn])).toList();
        assertThat(opsPerSecond).hasSize(3).allSatisfy(ops -> assertThat(ops).isBetween(300L, 500L));
        assertThat(summary.count()).isPositive();
    }

    @Test
    void aReadingThatThrowsCostsTheReadingNotTheRun() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(400).warmup(Duration.ofMillis(200))
                .duration(Duration.ofMillis(500)).seed(3).build();

        LoadSummary summary = LoadGenerator.run(spec, new CountingTarget(), directory, null, () -> {
            throw new IllegalStateException("a node did not answer");
        });

        assertThat(summary.count()).isPositive();
        assertThat(directory.resolve("summary.csv")).exists();
        assertThat(directory.resolve("run.json")).exists();
    }

    /** Stands for a reading that takes this long (a slow node); bounded, not a wait for a condition. */
    private static void pause(long millis) {
        try {
            new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
