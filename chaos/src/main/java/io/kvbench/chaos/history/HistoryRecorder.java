package io.kvbench.chaos.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVPrinter;

/**
 * Appends operations to history.csv as client threads finish them. Thread-safe: one lock around the printer,
 * which costs far less than the network round trip each recorded operation took.
 * An operation that never completes is recorded once the client gives up on it (outcome UNKNOWN).
 */
public final class HistoryRecorder implements AutoCloseable {
    private final CSVPrinter printer;
    private long recordedCount;

    private HistoryRecorder(CSVPrinter printer) {
        this.printer = printer;
    }

    /** Creates (or truncates) the file and writes the header. */
    public static HistoryRecorder create(Path historyCsv) throws IOException {
        Writer writer = Files.newBufferedWriter(historyCsv, StandardCharsets.UTF_8);
        return new HistoryRecorder(HistoryCsv.WRITE_FORMAT.print(writer));
    }

    public synchronized void record(HistoryOp op) {
        try {
            printer.printRecord(HistoryCsv.toRow(op));
            recordedCount++;
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to history.csv", e);
        }
    }

    public synchronized long recordedCount() {
        return recordedCount;
    }

    public synchronized void flush() throws IOException {
        printer.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        printer.close(true);
    }
}
