package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * compare-runs.csv: every value behind compare.csv, one row per side, round, configuration and metric, with the
 * file it was read from. {@code plot.py versions} draws each round's A and B values from it (so a reader sees
 * the noise the medians hide), and finds the latency spectra and elections files beside the sources.
 */
final class RoundValuesCsv {

    static final String FILE = "compare-runs.csv";
    static final List<String> COLUMNS = List.of("side", "label", "round", "configuration", "metric", "better",
            "value", "source");

    private RoundValuesCsv() {
    }

    static void write(Path file, CompareTable table, ResultSet a, ResultSet b) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder()
                        .setHeader(COLUMNS.toArray(String[]::new)).setRecordSeparator("\n").get())) {
            for (ConfigurationMatcher.Pair pair : table.pairs()) {
                String label = pair.label();
                for (CompareTable.Row row : table.rows()) {
                    if (!row.configuration().equals(label)) {
                        continue;
                    }
                    Metric metric = row.metric();
                    for (Map.Entry<String, ResultSet> side : List.of(Map.entry("A", a), Map.entry("B", b))) {
                        Configuration configuration = side.getKey().equals("A") ? pair.a() : pair.b();
                        for (Measurement measurement : side.getValue().measurements(configuration, metric)) {
                            printer.printRecord(side.getKey(), side.getValue().label(), measurement.round(), label,
                                    metric.columnName(), metric.better() == Metric.Better.LOWER ? "lower" : "higher",
                                    CompareTable.number(measurement.value()), relative(folder, measurement.source()));
                        }
                    }
                }
            }
        }
    }

    /** The source relative to the CSV's folder when it is inside it (the folder can then be moved), else absolute. */
    private static String relative(Path folder, Path source) {
        Path absolute = source.toAbsolutePath().normalize();
        return absolute.startsWith(folder.normalize()) ? folder.normalize().relativize(absolute).toString()
                : absolute.toString();
    }
}
