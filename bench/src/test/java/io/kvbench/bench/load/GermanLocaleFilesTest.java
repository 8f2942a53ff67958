package io.kvbench.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.target.NoopTarget;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a German default locale ("1.234,5") every number the run writes for other programs (compare, plot.py,
 * HdrHistogram's tools) still uses '.' decimals: summary.csv once printed 500,000 for 500.0, which a CSV reader
 * splits into two cells.
 */
class GermanLocaleFilesTest {
    private Locale defaultLocale;
    private Locale formatLocale;

    @BeforeEach
    void germanDefault() {
        defaultLocale = Locale.getDefault();
        formatLocale = Locale.getDefault(Locale.Category.FORMAT);
        Locale.setDefault(Locale.GERMANY); // sets both categories, as -Duser.language=de -Duser.country=DE does
        assertThat(String.format("%.1f", 0.5)).as("the default locale now writes decimal commas").isEqualTo("0,5");
    }

    @AfterEach
    void restore() {
        Locale.setDefault(defaultLocale);
        Locale.setDefault(Locale.Category.FORMAT, formatLocale);
    }

    @Test
    @Timeout(30)
    void everyMachineReadNumberUsesADecimalPoint(@TempDir Path directory) throws Exception {
        LoadSpec spec = LoadSpec.builder().targetRatePerSecond(500.25).duration(Duration.ofMillis(1500))
                .warmup(Duration.ZERO).seed(3).build();
        FloorResult floor = new FloorResult(directory, 10, 120.5, 900.25, 40.5, 80.75, "epoll", FloorResult.PREALLOCATED,
                130.5, 950.5, 120.5, 900.25, 3, 180.5, 1000.25, 170.5, 990.5);
        try (NoopTarget target = new NoopTarget()) {
            target.open();
            LoadGenerator.run(spec, target, directory, floor);
        }

        CSVRecord summary = readCsv(directory.resolve("summary.csv")).get(0);
        assertThat(summary.get("target_rate")).isEqualTo("500.250");
        assertThat(summary.get("duration_s")).matches("\\d+\\.\\d{3}");
        assertThat(summary.get("floor_fsync_p50_us")).isEqualTo("120.500");
        assertThat(summary.get("majority_floor_us")).isEqualTo("261.500"); // 2 x 40.5 + 180.5
        for (String column : List.of("achieved_rate", "mean_us", "warmup_s", "p50_over_floor", "p99_over_floor",
                "p50_over_majority_floor", "p99_over_majority_floor", "majority_floor_p99_us")) {
            assertThat(summary.get(column)).as(column).matches("\\d+\\.\\d{3}");
        }

        List<CSVRecord> intervals = readCsv(directory.resolve("timeseries.csv"));
        assertThat(intervals).isNotEmpty();
        for (CSVRecord interval : intervals) {
            assertThat(interval.get("elapsed_s")).matches("\\d+\\.\\d{3}");
        }

        for (String line : Files.readAllLines(directory.resolve("latency.hgrm"))) {
            assertThat(line).as("latency.hgrm").doesNotMatch(".*\\d,\\d.*");
        }
        long logged = 0;
        try (HistogramLogReader reader = new HistogramLogReader(directory.resolve("latency.hlog").toFile())) {
            for (Histogram interval = (Histogram) reader.nextIntervalHistogram(); interval != null;
                    interval = (Histogram) reader.nextIntervalHistogram()) {
                logged += interval.getTotalCount();
            }
        }
        assertThat(logged).as("intervals decoded from latency.hlog").isPositive();
    }

    private static List<CSVRecord> readCsv(Path file) throws Exception {
        try (Reader reader = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }
    }
}
