package io.kvbench.bench.jmh;

import io.kvbench.bench.load.MicrosHistograms;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the load generator pays per completion to record one latency: {@code Recorder.recordValue} with our
 * histogram settings. The value varies per call so the JIT cannot fold it (JMHSample_10_ConstantFold); the
 * recorder is a field whose state escapes, and the drawn value is returned to JMH's blackhole, so the work
 * is not dead code (JMHSample_08_DeadCode). Forked, never {@code -f 0} (_12_Forking).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RecorderBenchmark {

    private Recorder recorder;
    private long valueMicros;

    @Setup
    public void setUp() {
        recorder = MicrosHistograms.newRecorder();
    }

    @Benchmark
    public long recordValue() {
        // A cheap walk over 1 µs .. ~1 s so different buckets are touched, as real latencies do.
        valueMicros = (valueMicros * 31 + 17) & 0xFFFFF;
        recorder.recordValue(valueMicros + 1);
        return valueMicros;
    }
}
