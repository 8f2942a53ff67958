package io.kvbench.chaos.campaign;

import io.kvbench.chaos.history.OperationKind;
import io.kvbench.chaos.history.Outcome;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-second files of a campaign's checked clients: timeseries.csv and writes.hlog. */
class CampaignFilesTest {
    private static final long START = 1_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theLastSecondCutShortByTheEndSaysWhereItEnded(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("timeseries.csv");
        CampaignFiles.writeTimeseries(file, operations(), START, START + 2 * SECOND + SECOND / 2);

        assertThat(Files.readAllLines(file)).extracting(line -> line.substring(0, line.indexOf(',')))
                .containsExactly("elapsed_s", "1", "2", "2.500");
    }

    @Test
    void writesHlogHasOneIntervalPerSecondWithTheAcknowledgedWritesOnly(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("writes.hlog");
        CampaignFiles.writeWritesLog(file, operations(), START, START + 2 * SECOND + SECOND / 2, 1_700_000_000_000L);

        List<Histogram> intervals = new ArrayList<>();
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile())) {
            for (Histogram h = (Histogram) reader.nextIntervalHistogram(); h != null; h = (Histogram) reader.nextIntervalHistogram()) {
                intervals.add(h);
            }
        }
        assertThat(intervals).extracting(Histogram::getTotalCount).containsExactly(2L, 1L, 1L);
        assertThat(intervals.get(0).getMaxValue()).as("µs from the intended send time").isBetween(4990L, 5010L);
        assertThat(intervals.get(2).getStartTimeStamp()).isEqualTo(1_700_000_002_000L);
        assertThat(intervals.get(2).getEndTimeStamp()).isEqualTo(1_700_000_002_500L);
        assertThat(Files.readString(file)).contains("acknowledged writes");
    }

    /** Second 1: two writes and a read; second 2: a write and a failed write; second 3 (cut at 2.5 s): a write. */
    private static List<Workload.Completed> operations() {
        return List.of(write(SECOND / 10, 5), write(SECOND / 2, 1), read(SECOND / 3),
                write(SECOND + SECOND / 2, 2), failedWrite(SECOND + SECOND / 3),
                write(2 * SECOND + SECOND / 4, 3));
    }

    private static Workload.Completed write(long completeAfterStart, long latencyMillis) {
        long complete = START + completeAfterStart;
        long intended = complete - latencyMillis * 1_000_000L;
        return new Workload.Completed(1, OperationKind.PUT, "k", intended, intended, complete, Outcome.OK, 1, null);
    }

    private static Workload.Completed failedWrite(long completeAfterStart) {
        long complete = START + completeAfterStart;
        return new Workload.Completed(1, OperationKind.PUT, "k", complete - 1000, complete - 1000, complete, Outcome.FAIL, 0, null);
    }

    private static Workload.Completed read(long completeAfterStart) {
        long complete = START + completeAfterStart;
        return new Workload.Completed(2, OperationKind.GET, "k", complete - 1000, complete - 1000, complete, Outcome.OK, 1, null);
    }
}
