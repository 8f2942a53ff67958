package io.kvbench.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.bench.proc.CpuCost;
import io.kvbench.bench.proc.MeasuredProcesses;
import io.kvbench.bench.proc.ThreadClass;
import io.kvbench.bench.target.NoopTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator measures the CPU of the processes it is given over the measured span: from the end of warm-up
 * (before the reading hook there) to the last completion, per operation acknowledged in that span, its own sender
 * threads still alive when the span ends.
 */
@Timeout(30)
class GeneratorCpuTest {
    @TempDir
    Path directory;

    @Test
    void theSpanStartsWhenWarmUpEndsAndCountsTheOperationsAcknowledgedInIt() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(400).warmup(Duration.ofMillis(600))
                .duration(Duration.ofMillis(800)).seed(3).build();
        CountingTarget target = new CountingTarget();
        AtomicLong executedAtMeasureStart = new AtomicLong(-1);
        LoadSummary summary = LoadGenerator.run(spec, target, directory, null,
                () -> executedAtMeasureStart.set(target.executed.get()), false, MeasuredProcesses.withGenerator(Map.of()));

        CpuCost cpu = summary.cpu();
        assertThat(cpu.names()).containsExactly(MeasuredProcesses.GENERATOR);
        assertThat(cpu.unmeasured()).isEmpty();
        // The CPU is read before the hook runs, and every operation is acknowledged as it is sent: at least those sent
        // after the hook's reading, at most all, and none of the ~240 warm-up ones sent before the span.
        assertThat(cpu.operations()).isBetween(target.executed.get() - executedAtMeasureStart.get(),
                target.executed.get() - 1);
        assertThat(executedAtMeasureStart.get()).isPositive();
        assertThat(cpu.spanSeconds()).isPositive();
        assertThat(cpu.process(MeasuredProcesses.GENERATOR).threadClasses()).containsKey(ThreadClass.LOAD_SENDER);
        assertThat(Files.readAllLines(directory.resolve("cpu.csv")).get(0)).startsWith("process,pid,thread_class,");
        assertThat(Files.readString(directory.resolve("summary.csv"))).contains("cpu_us_per_write_generator");
    }

    @Test
    void withoutWarmUpTheSpanIsTheWholeRun() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(400).warmup(Duration.ZERO).duration(Duration.ofMillis(500))
                .seed(3).build();
        CountingTarget target = new CountingTarget();
        LoadSummary summary = LoadGenerator.run(spec, target, directory, null, null, false,
                MeasuredProcesses.withGenerator(Map.of()));

        assertThat(summary.cpu().operations()).isEqualTo(target.executed.get());
    }

    @Test
    void aRunWithoutProcessesMeasuresNoCpu() throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(400).warmup(Duration.ZERO).duration(Duration.ofMillis(300))
                .seed(3).build();
        try (NoopTarget target = new NoopTarget()) {
            target.open();
            assertThat(LoadGenerator.run(spec, target, directory).cpu()).isNull();
        }
        assertThat(directory.resolve("cpu.csv")).doesNotExist();
        assertThat(List.of(Files.readAllLines(directory.resolve("summary.csv")).get(0).split(",")))
                .contains("cpu_us_per_write_total").noneMatch(column -> column.equals("cpu_us_per_write_generator"));
    }
}
