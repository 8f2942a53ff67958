package io.kvbench.chaos.history;

import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** The columns of history.csv (docs/results-format.md) and the conversion of one row. An empty cell means null/absent. */
final class HistoryCsv {
    static final String[] HEADER = {
        "process", "kind", "key", "value", "expected", "invoke_ns", "complete_ns", "outcome", "result", "client_id", "sequence"
    };

    /** Writes the header, then one row per operation. */
    static final CSVFormat WRITE_FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader(HEADER)
            .setRecordSeparator('\n')
            .get();

    /** Takes the column names from the file's first line, so a file with other columns can be told apart. */
    static final CSVFormat READ_FORMAT = CSVFormat.DEFAULT.builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .get();

    private HistoryCsv() {
    }

    static List<Object> toRow(HistoryOp op) {
        return List.of(
                op.process(),
                op.kind().name(),
                op.key(),
                cell(op.value()),
                cell(op.expected()),
                op.invokeNanos(),
                op.completed() ? Long.toString(op.completeNanos()) : "",
                op.outcome().name(),
                cell(op.result()),
                op.clientId() == HistoryOp.NO_WRITE_ID ? "" : Long.toString(op.clientId()),
                op.sequence() == HistoryOp.NO_WRITE_ID ? "" : Long.toString(op.sequence()));
    }

    static HistoryOp fromRow(CSVRecord row) {
        try {
            return new HistoryOp(
                    Integer.parseInt(row.get("process")),
                    OperationKind.valueOf(row.get("kind")),
                    row.get("key"),
                    nullIfEmpty(row.get("value")),
                    nullIfEmpty(row.get("expected")),
                    Long.parseLong(row.get("invoke_ns")),
                    longOr(row.get("complete_ns"), HistoryOp.NEVER_COMPLETED),
                    Outcome.valueOf(row.get("outcome")),
                    nullIfEmpty(row.get("result")),
                    longOr(row.get("client_id"), HistoryOp.NO_WRITE_ID),
                    longOr(row.get("sequence"), HistoryOp.NO_WRITE_ID));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("history.csv line " + row.getRecordNumber() + ": " + e.getMessage(), e);
        }
    }

    private static String cell(String maybeValue) {
        return maybeValue == null ? "" : maybeValue;
    }

    private static String nullIfEmpty(String cell) {
        return cell.isEmpty() ? null : cell;
    }

    private static long longOr(String cell, long absent) {
        return cell.isEmpty() ? absent : Long.parseLong(cell);
    }
}
