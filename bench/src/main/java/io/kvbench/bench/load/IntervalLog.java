package io.kvbench.bench.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import io.kvbench.bench.proc.JvmPauses;
import io.kvbench.bench.proc.SchedulerWait;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Per-interval output: each interval's latency histogram to {@code latency.hlog} (HdrHistogram's
 * {@link HistogramLogWriter} format, read by HistogramLogAnalyzer and {@code HistogramLogProcessor}) and one
 * row to {@code timeseries.csv}. Both are flushed every interval so a crashed run still leaves its data.
 */
final class IntervalLog implements AutoCloseable {

    static final List<String> TIMESERIES_COLUMNS =
            List.of("elapsed_s", "ops", "errors", "timeouts", "p50_us", "p90_us", "p99_us", "max_us", "cpu_ms",
                    "run_queue_wait_ms", "jvm_stopped_ms");

    private final PrintStream hlogStream;
    private final HistogramLogWriter hlogWriter;
    private final CSVPrinter timeseries;

    IntervalLog(Path outputDirectory, long startWallMillis) throws IOException {
        hlogStream = new PrintStream(Files.newOutputStream(outputDirectory.resolve("latency.hlog")), false,
                StandardCharsets.UTF_8);
        hlogWriter = new HistogramLogWriter(hlogStream);
        hlogWriter.outputComment("kvbench latency from intended send time, values in microseconds");
        hlogWriter.outputLogFormatVersion();
        hlogWriter.outputStartTime(startWallMillis);
        hlogWriter.setBaseTime(startWallMillis);
        hlogWriter.outputLegend();
        BufferedWriter csvWriter = Files.newBufferedWriter(outputDirectory.resolve("timeseries.csv"));
        timeseries = new CSVPrinter(csvWriter, CSVFormat.DEFAULT.builder()
                .setHeader(TIMESERIES_COLUMNS.toArray(String[]::new)).setRecordSeparator("\n").get());
    }

    /**
     * @param scheduler the interval's CPU and run-queue wait of the run's processes, summed over their threads
     *                  ({@link SchedulerWait}); unreadable (its two columns empty) when not measured
     * @param pauses    the interval's stop-the-world time of the run's JVMs, summed ({@link JvmPauses}); likewise
     */
    void write(double elapsedSeconds, Histogram latencyMicros, long answered, long errors, long timeouts,
            SchedulerWait.Sample scheduler, JvmPauses.Sample pauses) throws IOException {
        // Max column in milliseconds (ratio 1000 for values in µs), as the format's readers expect.
        hlogWriter.outputIntervalHistogram(latencyMicros.getStartTimeStamp() / 1000.0 - hlogWriter.getBaseTime() / 1000.0,
                latencyMicros.getEndTimeStamp() / 1000.0 - hlogWriter.getBaseTime() / 1000.0, latencyMicros, 1000.0);
        hlogStream.flush();
        timeseries.printRecord(String.format(Locale.ROOT, "%.3f", elapsedSeconds), answered, errors, timeouts,
                latencyMicros.getValueAtPercentile(50), latencyMicros.getValueAtPercentile(90),
                latencyMicros.getValueAtPercentile(99), latencyMicros.getMaxValue(),
                scheduler.readable() ? millis(scheduler.onCpuNanos()) : "",
                scheduler.readable() ? millis(scheduler.runQueueWaitNanos()) : "",
                pauses.readable() ? millis(pauses.stoppedNanos()) : "");
        timeseries.flush();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    @Override
    public void close() throws IOException {
        try {
            timeseries.close();
        } finally {
            hlogStream.close();
        }
    }
}
