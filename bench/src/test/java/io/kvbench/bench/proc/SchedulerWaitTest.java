package io.kvbench.bench.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run-queue wait of a run's processes, from each thread's schedstat (a fake /proc, and this JVM's real one). */
class SchedulerWaitTest {

    @Test
    void sumsEveryThreadOfEveryProcessAndSubtractsAnEarlierSample(@TempDir Path root) {
        FakeProc proc = new FakeProc(root).schedstat(42, 42, 1_000, 10).schedstat(42, 43, 2_000, 20)
                .schedstat(50, 50, 4_000, 400);
        SchedulerWait.Sample before = SchedulerWait.sample(root, Map.of("node1", 42L, "generator", 50L, "gone", 4242L));
        assertThat(before).isEqualTo(new SchedulerWait.Sample(7_000, 430, true));

        proc.schedstat(42, 43, 2_500, 3_020).schedstat(50, 50, 4_100, 1_400);
        SchedulerWait.Sample after = SchedulerWait.sample(root, Map.of("node1", 42L, "generator", 50L));

        assertThat(after.minus(before)).isEqualTo(new SchedulerWait.Sample(600, 4_000, true));
    }

    @Test
    void aThreadThatExitedDropsOutAndTheDifferenceNeverGoesNegative(@TempDir Path root) {
        FakeProc proc = new FakeProc(root).schedstat(42, 42, 1_000, 10).schedstat(42, 43, 9_000, 900);
        SchedulerWait.Sample before = SchedulerWait.sample(root, Map.of("node1", 42L));
        proc.threadExited(42, 43);

        SchedulerWait.Sample interval = SchedulerWait.sample(root, Map.of("node1", 42L)).minus(before);

        assertThat(interval).isEqualTo(new SchedulerWait.Sample(0, 0, true)); // a lower bound, as documented
    }

    @Test
    void noReadableProcessIsUnreadableNotZero(@TempDir Path root) {
        new FakeProc(root).process(42, "java", 1, 1, 1); // stat but no schedstat
        SchedulerWait.Sample sample = SchedulerWait.sample(root, Map.of("node1", 42L));

        assertThat(sample.readable()).isFalse();
        assertThat(sample.minus(sample).readable()).isFalse();
        assertThat(new SchedulerWait.Sample(5, 5, true).minus(sample).readable()).isFalse();
    }

    /** The timeseries columns depend on the kernel keeping schedstats, as Debian's does. */
    @Test
    void thisJvmsThreadsHaveSchedulerFigures() {
        SchedulerWait.Sample self = SchedulerWait.sample(Map.of("self", ProcessHandle.current().pid()));

        assertThat(self.readable()).isTrue();
        assertThat(self.onCpuNanos()).isPositive();
    }
}
