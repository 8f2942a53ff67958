package io.kvbench.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryCsvTest {
    @TempDir
    Path directory;

    @Test
    void historyRoundTripsThroughCsv() throws IOException {
        History history = History.of(
                HistoryOp.put(0, "k,1", "value with, comma and \"quotes\"", 10, 20, Outcome.OK).withWriteId(7, 1),
                HistoryOp.get(1, "k,1", 15, 25, Outcome.OK, null),
                HistoryOp.get(1, "k2", 30, 40, Outcome.OK, "x"),
                HistoryOp.cas(2, "k2", null, "y", 30, HistoryOp.NEVER_COMPLETED, Outcome.UNKNOWN, false).withWriteId(7, 2),
                HistoryOp.cas(3, "k2", "x", "z", 50, 60, Outcome.OK, true),
                HistoryOp.delete(4, "k2", 70, 80, Outcome.FAIL));
        Path file = directory.resolve("history.csv");
        history.write(file);
        assertThat(Files.readAllLines(file).get(0))
                .isEqualTo("process,kind,key,value,expected,invoke_ns,complete_ns,outcome,result,client_id,sequence");
        assertThat(History.read(file)).isEqualTo(history);
    }

    @Test
    void recorderAcceptsOperationsFromManyThreads() throws Exception {
        Path file = directory.resolve("history.csv");
        int threads = 8;
        int operationsPerThread = 500;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (HistoryRecorder recorder = HistoryRecorder.create(file)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int process = thread;
                futures.add(executor.submit(() -> {
                    for (int sequence = 0; sequence < operationsPerThread; sequence++) {
                        String key = "c" + process + "-" + sequence;
                        recorder.record(HistoryOp.put(process, key, key, sequence, sequence + 1, Outcome.OK)
                                .withWriteId(process, sequence));
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
            assertThat(recorder.recordedCount()).isEqualTo(threads * operationsPerThread);
        } finally {
            executor.shutdownNow();
        }
        History history = History.read(file);
        assertThat(history.operations()).hasSize(threads * operationsPerThread);
        assertThat(history.operations().stream().map(HistoryOp::key).distinct().count()).isEqualTo(threads * operationsPerThread);
    }

    @Test
    void wrongColumnsAreRejectedWithTheExpectedHeader() throws IOException {
        Path file = directory.resolve("history.csv");
        Files.writeString(file, "process,kind,key\n0,PUT,k\n");
        assertThatThrownBy(() -> History.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected columns process,kind,key,value");
    }

    @Test
    void badRowNamesItsLine() throws IOException {
        Path file = directory.resolve("history.csv");
        Files.writeString(file, String.join(",", HistoryCsv.HEADER) + "\n0,PUT,k,,,1,2,OK,,,\n");
        assertThatThrownBy(() -> History.read(file)).hasMessageContaining("line 1: PUT needs a value");
    }

    @Test
    void invalidOperationsAreRejectedAtOnce() {
        assertThatThrownBy(() -> HistoryOp.put(0, "k", "v", 10, 5, Outcome.OK)).hasMessageContaining("completes before");
        assertThatThrownBy(() -> HistoryOp.put(0, "k", "v", 10, HistoryOp.NEVER_COMPLETED, Outcome.OK))
                .hasMessageContaining("acknowledged operation must have a completion time");
        assertThatThrownBy(() -> HistoryOp.put(0, "k", "", 1, 2, Outcome.OK)).hasMessageContaining("non-empty");
    }
}
