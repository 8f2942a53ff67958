package io.kvbench.chaos.history;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/** Every client operation of one campaign, in the order recorded. Read from and written to history.csv. */
public record History(List<HistoryOp> operations) {

    public History {
        operations = List.copyOf(operations);
    }

    public static History of(HistoryOp... operations) {
        return new History(Arrays.asList(operations));
    }

    public static History read(Path historyCsv) throws IOException {
        try (Reader reader = Files.newBufferedReader(historyCsv, StandardCharsets.UTF_8);
             CSVParser parser = HistoryCsv.READ_FORMAT.parse(reader)) {
            if (!parser.getHeaderNames().equals(List.of(HistoryCsv.HEADER))) {
                throw new IllegalArgumentException(historyCsv + ": expected columns " + String.join(",", HistoryCsv.HEADER)
                        + " but found " + String.join(",", parser.getHeaderNames()));
            }
            List<HistoryOp> operations = new ArrayList<>();
            for (CSVRecord row : parser) {
                operations.add(HistoryCsv.fromRow(row));
            }
            return new History(operations);
        }
    }

    public void write(Path historyCsv) throws IOException {
        try (Writer writer = Files.newBufferedWriter(historyCsv, StandardCharsets.UTF_8);
             CSVPrinter printer = HistoryCsv.WRITE_FORMAT.print(writer)) {
            for (HistoryOp op : operations) {
                printer.printRecord(HistoryCsv.toRow(op));
            }
        }
    }

    /** Sub-histories per key, each in recorded order: keys are independent registers (P-compositionality). */
    public Map<String, List<HistoryOp>> operationsByKey() {
        Map<String, List<HistoryOp>> byKey = new LinkedHashMap<>();
        for (HistoryOp op : operations) {
            byKey.computeIfAbsent(op.key(), key -> new ArrayList<>()).add(op);
        }
        return byKey;
    }
}
