package io.kvbench.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.bench.target.NoopTarget;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** At a modest rate against a target that answers at once, the generator delivers the rate it promised. */
class OpenLoopAccuracyTest {

    private static final double RATE_PER_SECOND = 2000;

    @Test
    @Timeout(30)
    void achievesTheTargetRateAndWritesEveryFileWithItsColumns(@TempDir Path directory) throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(RATE_PER_SECOND).duration(Duration.ofSeconds(3))
                .warmup(Duration.ofSeconds(1)).seed(7).build();
        LoadSummary summary;
        try (NoopTarget target = new NoopTarget()) {
            target.open();
            summary = LoadGenerator.run(spec, target, directory);
        }

        assertThat(summary.achievedRatePerSecond()).isCloseTo(RATE_PER_SECOND, within(0.03 * RATE_PER_SECOND));
        assertThat(summary.saturated()).isFalse();
        assertThat(summary.count()).isEqualTo(summary.latencyMicros().getTotalCount());
        assertThat(summary.errors()).isZero();
        assertThat(summary.timeouts()).isZero();

        List<CSVRecord> summaryRows = readCsv(directory.resolve("summary.csv"), ResultFiles.SUMMARY_COLUMNS);
        assertThat(summaryRows).hasSize(1);
        CSVRecord row = summaryRows.get(0);
        assertThat(row.get("target")).isEqualTo("noop");
        assertThat(row.get("mode")).isEqualTo("OPEN_LOOP");
        assertThat(Long.parseLong(row.get("count"))).isEqualTo(summary.count());
        assertThat(Long.parseLong(row.get("p50_us"))).isLessThanOrEqualTo(Long.parseLong(row.get("p99_us")));
        assertThat(Long.parseLong(row.get("p99_us"))).isLessThanOrEqualTo(Long.parseLong(row.get("max_us")));

        List<CSVRecord> intervals = readCsv(directory.resolve("timeseries.csv"), IntervalLog.TIMESERIES_COLUMNS);
        assertThat(intervals).hasSizeBetween(3, 4);
        long intervalOps = intervals.stream().mapToLong(interval -> Long.parseLong(interval.get("ops"))).sum();
        assertThat(intervalOps).isEqualTo(summary.count());

        long loggedCount = 0;
        try (HistogramLogReader reader = new HistogramLogReader(directory.resolve("latency.hlog").toFile())) {
            for (Histogram interval = (Histogram) reader.nextIntervalHistogram(); interval != null;
                    interval = (Histogram) reader.nextIntervalHistogram()) {
                loggedCount += interval.getTotalCount();
            }
        }
        assertThat(loggedCount).isEqualTo(summary.count());

        assertThat(Files.readString(directory.resolve("latency.hgrm"))).contains("Value", "Percentile", "#[Mean");
        assertThat(Files.readString(directory.resolve("service.hgrm"))).contains("#[Max");

        JsonNode run = new ObjectMapper().readTree(directory.resolve("run.json").toFile());
        assertThat(run.path("target").asText()).isEqualTo("noop");
        assertThat(run.path("fsyncMode").asText()).isEqualTo("none");
        assertThat(run.path("parameters").path("targetRatePerSecond").asDouble()).isEqualTo(RATE_PER_SECOND);
        assertThat(run.path("availableProcessors").asInt()).isPositive();
        assertThat(run.path("jvm").path("version").asText()).isNotEmpty();
        assertThat(run.path("kernel").asText()).isNotEmpty();
    }

    @Test
    @Timeout(30)
    void theCeilingAgainstNoopIsAPositiveRate(@TempDir Path directory) throws Exception {
        double ceiling = Ceiling.measureOperationsPerSecond(LoadSpec.builder().build(), Duration.ofSeconds(1), directory);
        assertThat(ceiling).isPositive();
    }

    static List<CSVRecord> readCsv(Path file, List<String> expectedColumns) throws Exception {
        try (Reader reader = Files.newBufferedReader(file)) {
            var parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader);
            assertThat(parser.getHeaderNames()).containsSubsequence(expectedColumns);
            return parser.getRecords();
        }
    }
}
