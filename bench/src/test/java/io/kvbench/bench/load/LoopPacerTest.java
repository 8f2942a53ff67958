package io.kvbench.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pacing on the target's own I/O thread ({@link LoadPacing#TARGET_EVENT_LOOP}): every request is sent from that
 * thread, at the promised rate (open loop) or as the in-flight limit allows (closed loop), never more in flight than
 * the limit, and a target that never answers still ends the run with every measured request counted as a timeout.
 */
class LoopPacerTest {

    private static final double RATE_PER_SECOND = 2000;

    private static LoadSpec.Builder onTheLoop() {
        return LoadSpec.builder().pacing(LoadPacing.TARGET_EVENT_LOOP).seed(5);
    }

    @Test
    @Timeout(30)
    void openLoopSendsEveryRequestFromTheLoopAtTheRate(@TempDir Path directory) throws Exception {
        LoadSpec spec = onTheLoop().targetRatePerSecond(RATE_PER_SECOND).duration(Duration.ofSeconds(3))
                .warmup(Duration.ofMillis(500)).build();
        // Answers at once, inside execute: a pacer that sent the next request from the completion would recurse.
        LoopTarget target = new LoopTarget(0, true);
        LoadSummary summary;
        try (target) {
            target.open();
            summary = LoadGenerator.run(spec, target, directory);
        }
        assertThat(summary.achievedRatePerSecond()).isCloseTo(RATE_PER_SECOND, within(0.03 * RATE_PER_SECOND));
        assertThat(summary.errors()).isZero();
        assertThat(summary.timeouts()).isZero();
        // Warm-up and measured span together: 3.5 s at the rate, every one from the loop's thread.
        assertThat((double) target.executed.get()).isCloseTo(3.5 * RATE_PER_SECOND, within(0.03 * 3.5 * RATE_PER_SECOND));
        assertThat(target.executedOffTheLoop.get()).isZero();
        // Sent at their times, not ahead of them: a pacer that ignored its timers would send them in a burst.
        int sends = (int) Math.min(target.executed.get(), target.sendNanos.length);
        double spanSeconds = (target.sendNanos[sends - 1] - target.sendNanos[0]) / 1e9;
        assertThat(spanSeconds).isGreaterThanOrEqualTo(0.97 * (sends - 1) / RATE_PER_SECOND);
        // Each no earlier than its share of the schedule after the first (which may itself be up to 50 ms late).
        long firstLateToleranceNanos = TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 1; i < sends; i++) {
            assertThat(target.sendNanos[i] - target.sendNanos[0]).as("send %d after the first", i)
                    .isGreaterThanOrEqualTo(Math.round(i * 1e9 / RATE_PER_SECOND) - firstLateToleranceNanos);
        }
        assertThat(new ObjectMapper().readTree(directory.resolve("run.json").toFile()).path("parameters")
                .path("pacing").asText()).isEqualTo("event-loop");
    }

    @Test
    @Timeout(30)
    void openLoopBehindItsLimitMeasuresFromTheIntendedTime(@TempDir Path directory) throws Exception {
        // 2 in flight, each answered after 5 ms: at most 400/s get through against 1000/s intended, so the backlog
        // grows through the run and the last requests waited most of it. Service time stays near 5 ms.
        long serviceNanos = TimeUnit.MILLISECONDS.toNanos(5);
        LoadSpec spec = onTheLoop().targetRatePerSecond(1000).inFlightLimit(2).duration(Duration.ofSeconds(2))
                .warmup(Duration.ZERO).operationTimeout(Duration.ofSeconds(20)).build();
        LoopTarget target = new LoopTarget(serviceNanos, true);
        LoadSummary summary;
        try (target) {
            target.open();
            summary = LoadGenerator.run(spec, target, directory);
        }
        assertThat(target.mostOutstanding.get()).isLessThanOrEqualTo(2);
        assertThat(target.executedOffTheLoop.get()).isZero();
        // Every intended request was sent in the end (the give-up time is far) and answered.
        assertThat(summary.count()).isEqualTo(2000);
        assertThat(summary.timeouts()).isZero();
        assertThat(summary.serviceMicros().getValueAtPercentile(50)).isBetween(4_000L, 50_000L);
        // The last request was intended at 2 s and sent after 2000 x 2.5 ms = 5 s: it waited about 3 s.
        assertThat(summary.latencyMicros().getMaxValue()).isGreaterThan(2_000_000L);
    }

    /** Answers on the loop (kvnode's and etcd's clients) and from another thread (each wakes the pacer across). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @Timeout(30)
    void closedLoopKeepsItsClientsBusyAndNeverExceedsThem(boolean answersOffTheLoop, @TempDir Path directory)
            throws Exception {
        long serviceNanos = TimeUnit.MILLISECONDS.toNanos(2);
        LoadSpec spec = onTheLoop().mode(LoadMode.CLOSED_LOOP).inFlightLimit(8).duration(Duration.ofSeconds(2))
                .warmup(Duration.ZERO).build();
        LoopTarget target = new LoopTarget(serviceNanos, true);
        if (answersOffTheLoop) target.answeringOffTheLoop();
        LoadSummary summary;
        try (target) {
            target.open();
            summary = LoadGenerator.run(spec, target, directory);
        }
        assertThat(target.mostOutstanding.get()).isEqualTo(8);
        assertThat(target.executedOffTheLoop.get()).isZero();
        // 8 clients at 2 ms each: 4,000/s at most; a loop that kept them busy gets most of it on a loaded machine.
        assertThat(summary.achievedRatePerSecond()).isBetween(1_500.0, 4_100.0);
        assertThat(summary.errors()).isZero();
        assertThat(summary.timeouts()).isZero();
    }

    @Test
    @Timeout(30)
    void aTargetThatNeverAnswersEndsTheRunWithEveryMeasuredRequestATimeout(@TempDir Path directory) throws Exception {
        // 4 in flight, never answered; each times out after 300 ms, freeing its permit for the backlog, which
        // times out in turn, until the give-up time (end + timeout) counts what is left unsent.
        LoadSpec spec = onTheLoop().targetRatePerSecond(100).inFlightLimit(4).duration(Duration.ofSeconds(1))
                .warmup(Duration.ZERO).operationTimeout(Duration.ofMillis(300)).build();
        LoopTarget target = new LoopTarget(0, false);
        LoadSummary summary;
        try (target) {
            target.open();
            summary = LoadGenerator.run(spec, target, directory);
        }
        assertThat(summary.timeouts()).isEqualTo(100);
        assertThat(summary.count()).isZero();
        // Each timeout frees a permit that the pacer, waiting for one, must take at once: 4 at 0, 0.3, 0.6, 0.9 and 1.2 s, about 20. A pacer deaf to those would send 8.
        assertThat(target.executed.get()).isBetween(16L, 100L);
    }

    @Test
    @Timeout(30)
    void aPacerThatKeepsReachingItsLimitKeepsAFewTimersNotOneMorePerWait(@TempDir Path directory) throws Exception {
        // 4 in flight at 1000/s, answers in 0.5 ms but every 40th in 30 ms: the pacer runs out of permits and catches
        // up again about 75 times. Each wait sets a give-up timer; pending at once should be the 4 answers, their 4
        // timeout timers and a few of the pacer's, not one more per wait (they would stay queued until the give-up).
        LoadSpec spec = onTheLoop().targetRatePerSecond(1000).inFlightLimit(4).duration(Duration.ofSeconds(3))
                .warmup(Duration.ZERO).operationTimeout(Duration.ofSeconds(20)).build();
        LoopTarget target = new LoopTarget(TimeUnit.MICROSECONDS.toNanos(500), true)
                .slowEvery(40, TimeUnit.MILLISECONDS.toNanos(30));
        java.util.concurrent.atomic.AtomicInteger mostWaiting = new java.util.concurrent.atomic.AtomicInteger();
        LoadSummary summary;
        try (target) {
            target.open();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    mostWaiting.accumulateAndGet(target.tasksWaitingOnTheLoop(), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }, "queue-sampler");
            sampler.setDaemon(true);
            sampler.start();
            summary = LoadGenerator.run(spec, target, directory);
            sampler.interrupt();
            sampler.join();
        }
        assertThat(summary.count()).isEqualTo(3000);
        assertThat(target.mostOutstanding.get()).isLessThanOrEqualTo(4);
        assertThat(mostWaiting.get()).as("tasks waiting on the loop at once").isLessThanOrEqualTo(4 + 4 + 4);
    }

    @Test
    @Timeout(30)
    void aStallOfTheLoopItselfShowsAsRTimesTRequestsFromTheIntendedTime(@TempDir Path directory) throws Exception {
        // The pacing thread cannot run for 500 ms at 1.5 s: every request intended meanwhile goes out late, when it
        // runs again, and its latency counts the wait (the stall the generator must never hide, on its own thread).
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(500);
        LoadSpec spec = onTheLoop().targetRatePerSecond(1000).inFlightLimit(16).duration(Duration.ofSeconds(3))
                .warmup(Duration.ZERO).build();
        LoopTarget target = new LoopTarget(TimeUnit.MICROSECONDS.toNanos(100), true)
                .blockingTheLoop(TimeUnit.MILLISECONDS.toNanos(1500), stallNanos);
        LoadSummary summary;
        try (target) {
            target.open();
            summary = LoadGenerator.run(spec, target, directory);
        }
        long slowMicros = 20_000;
        long slow = summary.latencyMicros().getCountBetweenValues(slowMicros, Long.MAX_VALUE);
        double expectedSlow = 1000 * (stallNanos / 1e9 - slowMicros / 1e6);
        assertThat((double) slow).isCloseTo(expectedSlow, within(0.2 * expectedSlow));
        assertThat((double) summary.latencyMicros().getMaxValue()).isCloseTo(500_000, within(100_000.0));
        assertThat(summary.timeouts()).isZero();
    }

    @Test
    @Timeout(30)
    void anErrorInThePacerEndsTheRunAtOnceInsteadOfAtTheDrainDeadline(@TempDir Path directory) throws Exception {
        // Operation timeout 20 s: a pacer that died silently would leave the run waiting ~41 s for its drain deadline.
        LoadSpec spec = onTheLoop().targetRatePerSecond(1000).duration(Duration.ofSeconds(2)).warmup(Duration.ZERO)
                .operationTimeout(Duration.ofSeconds(20)).build();
        LoopTarget target = new LoopTarget(0, true).throwingErrorAt(100);
        long startNanos = System.nanoTime();
        LoadSummary summary;
        try (target) {
            target.open();
            summary = LoadGenerator.run(spec, target, directory);
        }
        assertThat(System.nanoTime() - startNanos).isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(target.executed.get()).isEqualTo(100);
        assertThat(summary.count()).isEqualTo(99);
    }

    @Test
    @Timeout(30)
    void aTargetWithoutALoopIsPacedBySenderThreadsAndRunJsonSaysSo(@TempDir Path directory) throws Exception {
        LoadSpec spec = onTheLoop().targetRatePerSecond(500).duration(Duration.ofSeconds(1)).warmup(Duration.ZERO).build();
        CountingTarget target = new CountingTarget();
        LoadSummary summary = LoadGenerator.run(spec, target, directory);
        assertThat(summary.count()).isEqualTo(500);
        assertThat(new ObjectMapper().readTree(directory.resolve("run.json").toFile()).path("parameters")
                .path("pacing").asText()).isEqualTo("threads");
    }
}
