package io.kvbench.bench.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading /proc as Linux lays it out (a fake tree), and the real one for this JVM. */
class CpuUsageTest {

    @Test
    void readsTheProcessTotalsAndEachThreadsTicksNameAndSwitches(@TempDir Path root) {
        new FakeProc(root).machine(1000, 500, 8000, 500)
                .process(42, "java", 77, 300, 200)
                .thread(42, 43, "C2 CompilerThre", 78, 120, 3, 9, 2)
                .thread(42, 44, "odd) name (x", 79, 5, 6, 7, 8);

        CpuUsage.Sample sample = CpuUsage.sample(root, Map.of("node1", 42L, "gone", 4242L));

        assertThat(sample.processes()).containsOnlyKeys("node1");
        CpuUsage.ProcessSample process = sample.processes().get("node1");
        assertThat(process.pid()).isEqualTo(42);
        assertThat(process.startTicks()).isEqualTo(77);
        assertThat(process.userTicks()).isEqualTo(300);
        assertThat(process.systemTicks()).isEqualTo(200);
        assertThat(process.threads().get(43L)).isEqualTo(new CpuUsage.ThreadSample(43, "C2 CompilerThre", 78, 120, 3, 9, 2));
        // A name may hold spaces and parentheses: the fields are counted from the last ')'.
        assertThat(process.threads().get(44L)).isEqualTo(new CpuUsage.ThreadSample(44, "odd) name (x", 79, 5, 6, 7, 8));
        assertThat(sample.machineBusyTicks()).isEqualTo(1500);
        assertThat(sample.machineTotalTicks()).isEqualTo(10_000);
    }

    /** The thread classes rely on the JVM giving each thread its Java name in /proc (cut to 15 characters). */
    @Test
    void thisJvmAndItsNamedThreadsAreReadableInTheRealProc() throws Exception {
        assertThat(Path.of("/proc/self/stat")).as("Linux").exists();
        long pid = ProcessHandle.current().pid();
        CountDownLatch sampled = new CountDownLatch(1);
        // Thread.start() returns before the new thread has given itself its name in /proc (HotSpot sets it on the
        // thread, before run()): sampling right after start() missed it once in CI. Sample once run() has begun.
        CountDownLatch running = new CountDownLatch(1);
        Thread named = new Thread(() -> {
            running.countDown();
            try {
                sampled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wal-cpu-usage-test-thread");
        named.start();
        try {
            running.await();
            CpuUsage.ProcessSample self = CpuUsage.sample(Map.of("self", pid)).processes().get("self");

            assertThat(self.threads()).containsKey(pid);
            assertThat(self.threads().values()).anySatisfy(thread -> {
                assertThat(thread.name()).isEqualTo("wal-cpu-usage-t");
                assertThat(ThreadClass.of(thread.name())).isEqualTo(ThreadClass.WAL);
            });
            assertThat(self.userTicks() + self.systemTicks()).isPositive(); // a JVM that ran tests has spent a tick
        } finally {
            sampled.countDown();
            named.join();
        }
    }
}
