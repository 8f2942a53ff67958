package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The benchstat-style comparison of two result sets: one row per metric present on both sides, printed as an
 * aligned text table and written as compare.csv (docs/results-format.md, read by {@code plot.py compare}).
 * Metrics absent on one or both sides are listed as notes under the table, never silently dropped.
 */
public final class CompareTable {

    public static final List<String> CSV_COLUMNS = List.of("metric", "a_median", "a_ci_low", "a_ci_high",
            "b_median", "b_ci_low", "b_ci_high", "delta_pct", "p_value", "n_a", "n_b", "significant");

    private final String labelA;
    private final String labelB;
    private final List<MetricComparison> rows;
    private final List<String> notes;

    public CompareTable(String labelA, String labelB, List<MetricComparison> rows, List<String> notes) {
        this.labelA = labelA;
        this.labelB = labelB;
        this.rows = List.copyOf(rows);
        this.notes = List.copyOf(notes);
    }

    /** Compares every {@link Metric} that both sides have; notes say which are absent and where. */
    public static CompareTable of(ResultSet a, ResultSet b) {
        List<MetricComparison> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            double[] sampleA = a.sample(metric);
            double[] sampleB = b.sample(metric);
            if (sampleA.length == 0 || sampleB.length == 0) {
                notes.add(absentNote(metric, sampleA.length, sampleB.length));
                continue;
            }
            rows.add(MetricComparison.of(metric, sampleA, sampleB));
            partialNote(metric, a, sampleA.length).ifPresent(notes::add);
            partialNote(metric, b, sampleB.length).ifPresent(notes::add);
            smallSampleNote(metric, sampleA.length, sampleB.length).ifPresent(notes::add);
        }
        if (rows.stream().anyMatch(row -> !row.a().interval().available() || !row.b().interval().available())) {
            notes.add("± ∞: fewer than " + MedianConfidenceInterval.minimumCount(MedianConfidenceInterval.DEFAULT_LEVEL)
                    + " runs, no 95% interval of the median can be given (benchstat's rule)");
        }
        return new CompareTable(a.label(), b.label(), rows, notes);
    }

    public List<MetricComparison> rows() {
        return rows;
    }

    public List<String> notes() {
        return notes;
    }

    /** The aligned text table, with a legend and the notes, ready to print. */
    public String render() {
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("metric", "A median [95% CI]", "B median [95% CI]", "delta", "p", "n A/B", "better"));
        for (MetricComparison row : rows) {
            cells.add(List.of(row.metric().columnName(), summaryText(row.a()), summaryText(row.b()), deltaText(row),
                    pValueText(row.pValue()), row.a().count() + "/" + row.b().count(),
                    row.metric().better() == Metric.Better.LOWER ? "lower" : "higher"));
        }
        int[] widths = new int[cells.get(0).size()];
        for (List<String> line : cells) {
            for (int column = 0; column < line.size(); column++) {
                widths[column] = Math.max(widths[column], line.get(column).length());
            }
        }
        StringBuilder text = new StringBuilder();
        text.append("A: ").append(labelA).append('\n');
        text.append("B: ").append(labelB).append('\n').append('\n');
        for (List<String> line : cells) {
            StringBuilder lineText = new StringBuilder();
            for (int column = 0; column < line.size(); column++) {
                String cell = line.get(column);
                boolean leftAligned = column == 0 || column == line.size() - 1;
                String padding = " ".repeat(widths[column] - cell.length());
                lineText.append(leftAligned ? cell + padding : padding + cell);
                lineText.append(column == line.size() - 1 ? "" : "   ");
            }
            text.append(lineText.toString().stripTrailing()).append('\n');
        }
        text.append('\n').append("delta: change of the median, B vs A; ~: not significant (Mann-Whitney U, two-sided, p >= ")
                .append(MetricComparison.ALPHA).append("), as benchstat prints it\n");
        for (String note : notes) {
            text.append("note: ").append(note).append('\n');
        }
        return text.toString();
    }

    /** Writes compare.csv (numbers to 12 significant digits); empty cells mean "not available" (an interval with too few runs, a delta from 0). */
    public void writeCsv(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder()
                        .setHeader(CSV_COLUMNS.toArray(String[]::new)).setRecordSeparator("\n").get())) {
            for (MetricComparison row : rows) {
                printer.printRecord(row.metric().columnName(), number(row.a().median()),
                        number(row.a().interval().low()), number(row.a().interval().high()),
                        number(row.b().median()), number(row.b().interval().low()),
                        number(row.b().interval().high()), number(row.deltaPercent()), number(row.pValue()),
                        row.a().count(), row.b().count(), row.significant());
            }
        }
    }

    static String summaryText(SampleSummary summary) {
        MedianConfidenceInterval interval = summary.interval();
        String range = interval.available()
                ? "[" + shortNumber(interval.low()) + ", " + shortNumber(interval.high()) + "]" : "± ∞";
        return shortNumber(summary.median()) + " " + range;
    }

    static String deltaText(MetricComparison row) {
        if (!row.significant()) {
            return "~";
        }
        if (Double.isNaN(row.deltaPercent())) {
            return "n/a (A is 0)";
        }
        return String.format(Locale.ROOT, "%+.2f%% (%s)", row.deltaPercent(), row.improvement() ? "better" : "worse");
    }

    static String pValueText(double pValue) {
        return pValue >= 0.001 || pValue == 0 ? String.format(Locale.ROOT, "%.3f", pValue)
                : String.format(Locale.ROOT, "%.1e", pValue);
    }

    /** About four significant digits without an exponent: 4100, 820.5, 15.25, 0.853. */
    static String shortNumber(double value) {
        double magnitude = Math.abs(value);
        String format = magnitude >= 1000 ? "%.0f" : magnitude >= 100 ? "%.1f" : magnitude >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, format, value);
    }

    private static String number(double value) {
        // 12 significant digits: enough for any figure here, and 0.09999999999999987 (float noise) reads 0.1.
        return Double.isFinite(value)
                ? BigDecimal.valueOf(value).round(new MathContext(12)).stripTrailingZeros().toPlainString() : "";
    }

    private static String absentNote(Metric metric, int countA, int countB) {
        String where = countA == 0 && countB == 0 ? "in both A and B" : countA == 0 ? "in A" : "in B";
        return metric.columnName() + " absent " + where + " (" + metric.description() + "): no run has "
                + metric.source().description();
    }

    private static Optional<String> partialNote(Metric metric, ResultSet side, int count) {
        if (count == side.runs().size()) {
            return Optional.empty();
        }
        return Optional.of(metric.columnName() + " present in " + count + " of " + side.runs().size()
                + " runs of " + side.label());
    }

    /** Without ties the smallest two-sided p is 2 / C(nA + nB, nA); when that is not below alpha, "~" is certain. */
    private static Optional<String> smallSampleNote(Metric metric, int countA, int countB) {
        double smallestP = 2.0;
        for (int i = 1; i <= countA; i++) {
            smallestP *= (double) i / (countB + i);
        }
        if (smallestP < MetricComparison.ALPHA) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "%s: with %d and %d runs p cannot go below %.3f, so no change can be significant; use more runs",
                metric.columnName(), countA, countB, Math.min(smallestP, 1.0)));
    }
}
