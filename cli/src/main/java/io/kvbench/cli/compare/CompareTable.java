package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The benchstat-style comparison of two result sets: one group of rows per configuration measured on both sides
 * ({@link ConfigurationMatcher}), one row per metric, printed as an aligned text table and written as compare.csv
 * (docs/results-format.md, drawn by {@code plot.py compare}). Configurations and metrics measured on one side only
 * are listed under the table, never pooled with others nor silently dropped.
 */
public final class CompareTable {

    public static final List<String> CSV_COLUMNS = List.of("configuration", "metric", "better", "a_median",
            "a_ci_low", "a_ci_high", "b_median", "b_ci_low", "b_ci_high", "delta_pct", "p_value", "n_a", "n_b",
            "significant");

    /** One compared metric of one configuration pair. */
    public record Row(String configuration, MetricComparison comparison) {
        public Metric metric() {
            return comparison.metric();
        }
    }

    private final String headerA;
    private final String headerB;
    private final List<Row> rows;
    private final List<String> notes;
    private final List<ConfigurationMatcher.Pair> pairs;
    private final List<String> jmhScores;

    public CompareTable(String headerA, String headerB, List<Row> rows, List<String> notes) {
        this(headerA, headerB, rows, notes, List.of(), List.of());
    }

    private CompareTable(String headerA, String headerB, List<Row> rows, List<String> notes,
            List<ConfigurationMatcher.Pair> pairs, List<String> jmhScores) {
        this.headerA = headerA;
        this.headerB = headerB;
        this.rows = List.copyOf(rows);
        this.notes = List.copyOf(notes);
        this.pairs = List.copyOf(pairs);
        this.jmhScores = List.copyOf(jmhScores);
    }

    /** Compares every metric of every configuration pair; notes say what one side lacks. */
    public static CompareTable of(ResultSet a, ResultSet b, Set<String> ignored) throws CompareException {
        ConfigurationMatcher.Matching matching = ConfigurationMatcher.match(a.configurations(), b.configurations(),
                ignored);
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, List<String>> smallSamples = new LinkedHashMap<>();
        for (ConfigurationMatcher.Pair pair : matching.pairs()) {
            String label = pair.label();
            Set<Metric> metrics = new LinkedHashSet<>(a.metrics(pair.a()));
            metrics.addAll(b.metrics(pair.b()));
            for (Metric metric : metrics.stream().sorted().toList()) {
                double[] sampleA = a.sample(pair.a(), metric);
                double[] sampleB = b.sample(pair.b(), metric);
                if (sampleA.length == 0 || sampleB.length == 0) {
                    notes.add(label + ": " + metric.columnName() + " measured in " + (sampleA.length == 0 ? "B" : "A")
                            + " only");
                    continue;
                }
                rows.add(new Row(label, MetricComparison.of(metric, sampleA, sampleB)));
                smallSampleNote(sampleA.length, sampleB.length).ifPresent(note ->
                        smallSamples.computeIfAbsent(note, key -> new ArrayList<>()).add(metric.columnName()));
            }
        }
        smallSamples.forEach((note, metrics) -> notes.add(note));
        if (rows.stream().anyMatch(row -> !row.comparison().a().interval().available()
                || !row.comparison().b().interval().available())) {
            notes.add("± ∞: fewer than " + MedianConfidenceInterval.minimumCount(MedianConfidenceInterval.DEFAULT_LEVEL)
                    + " runs, no 95% interval of the median can be given (benchstat's rule)");
        }
        for (Configuration only : matching.onlyA()) {
            notes.add("only in A (not compared): " + only.shortLabel());
        }
        for (Configuration only : matching.onlyB()) {
            notes.add("only in B (not compared): " + only.shortLabel());
        }
        commitNote(a, "A").ifPresent(notes::add);
        commitNote(b, "B").ifPresent(notes::add);
        notes.addAll(a.notes());
        notes.addAll(b.notes());
        return new CompareTable(header(a), header(b), rows, notes, matching.pairs(), jmhScores(a, b, matching));
    }

    /** This table with more notes at the end (e.g. runs whose own check failed). */
    CompareTable withNotes(List<String> more) {
        List<String> all = new ArrayList<>(notes);
        all.addAll(more);
        return new CompareTable(headerA, headerB, rows, all, pairs, jmhScores);
    }

    /** The configuration pairs compared, in table order. */
    List<ConfigurationMatcher.Pair> pairs() {
        return pairs;
    }

    /** JMH's own score ± error (99.9 %) of each file, per compared benchmark and parameter set. */
    private static List<String> jmhScores(ResultSet a, ResultSet b, ConfigurationMatcher.Matching matching) {
        List<String> lines = new ArrayList<>();
        for (ConfigurationMatcher.Pair pair : matching.pairs()) {
            List<String> sides = new ArrayList<>();
            for (var side : List.of(java.util.Map.entry("A", a), java.util.Map.entry("B", b))) {
                Configuration configuration = side.getKey().equals("A") ? pair.a() : pair.b();
                for (JmhResultsReader.JmhScore score : side.getValue().jmhScores()) {
                    if (score.configuration().equals(configuration)) {
                        sides.add(side.getKey() + " " + shortNumber(score.score()) + " ± "
                                + (Double.isNaN(score.error()) ? "?" : shortNumber(score.error())) + " "
                                + score.unit() + " (" + score.forks() + (score.forks() == 1 ? " fork)" : " forks)"));
                    }
                }
            }
            if (!sides.isEmpty()) {
                lines.add(pair.label() + ": " + String.join("; ", sides));
            }
        }
        return lines;
    }

    public List<Row> rows() {
        return rows;
    }

    public List<String> notes() {
        return notes;
    }

    /** The aligned text table, grouped by configuration, with a legend and the notes, ready to print. */
    public String render() {
        List<String> heading = List.of("metric", "A median [95% CI]", "B median [95% CI]", "delta", "p", "n A/B",
                "better");
        List<List<String>> cells = new ArrayList<>();
        cells.add(heading);
        for (Row row : rows) {
            cells.add(cells(row));
        }
        int[] widths = new int[heading.size()];
        for (List<String> line : cells) {
            for (int column = 0; column < line.size(); column++) {
                widths[column] = Math.max(widths[column], line.get(column).length());
            }
        }
        StringBuilder text = new StringBuilder();
        text.append("A: ").append(headerA).append('\n');
        text.append("B: ").append(headerB).append('\n');
        GroupLabels groups = new GroupLabels(rows.stream().map(Row::configuration).distinct().toList());
        if (!groups.common().isEmpty()) {
            text.append("every configuration below: ").append(groups.common()).append('\n');
        }
        String group = null;
        for (Row row : rows) {
            if (!row.configuration().equals(group)) {
                group = row.configuration();
                text.append('\n').append(groups.shortened(group)).append('\n');
                text.append("  ").append(aligned(heading, widths)).append('\n');
            }
            text.append("  ").append(aligned(cells(row), widths)).append('\n');
        }
        text.append('\n').append(legend()).append('\n');
        for (String note : notes) {
            text.append("note: ").append(note).append('\n');
        }
        return text.toString();
    }

    /** compare.md: the same table as Markdown, one section per configuration, then the notes and the charts. */
    public String markdown(List<String> charts) {
        StringBuilder text = new StringBuilder("# Comparison\n\n");
        text.append("- A: ").append(headerA).append('\n');
        text.append("- B: ").append(headerB).append('\n');
        GroupLabels groups = new GroupLabels(rows.stream().map(Row::configuration).distinct().toList());
        if (!groups.common().isEmpty()) {
            text.append("- every configuration below: ").append(groups.common()).append('\n');
        }
        text.append('\n');
        String group = null;
        for (Row row : rows) {
            if (!row.configuration().equals(group)) {
                group = row.configuration();
                text.append("\n## ").append(groups.shortened(group)).append("\n\n");
                text.append("| metric | A median [95% CI] | B median [95% CI] | delta | p | n A/B | better |\n");
                text.append("|---|---:|---:|---:|---:|---:|---|\n");
            }
            text.append("| ").append(String.join(" | ", cells(row))).append(" |\n");
        }
        text.append('\n').append(legend()).append("\n\n");
        for (String note : notes) {
            text.append("- ").append(note).append('\n');
        }
        if (!jmhScores.isEmpty()) {
            text.append("\n## JMH's own figures (score ± error at 99.9 %, per file)\n\n");
            for (String line : jmhScores) {
                text.append("- ").append(line).append('\n');
            }
        }
        if (!charts.isEmpty()) {
            text.append("\n## Charts\n\n");
            for (String chart : charts) {
                text.append("![").append(chart).append("](").append(chart).append(")\n\n");
            }
        }
        return text.toString();
    }

    /** Writes compare.csv (numbers to 12 significant digits); empty cells mean "not available". */
    public void writeCsv(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer writer = Files.newBufferedWriter(file);
                CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder()
                        .setHeader(CSV_COLUMNS.toArray(String[]::new)).setRecordSeparator("\n").get())) {
            for (Row row : rows) {
                MetricComparison comparison = row.comparison();
                printer.printRecord(row.configuration(), comparison.metric().columnName(),
                        comparison.metric().better() == Metric.Better.LOWER ? "lower" : "higher",
                        number(comparison.a().median()), number(comparison.a().interval().low()),
                        number(comparison.a().interval().high()), number(comparison.b().median()),
                        number(comparison.b().interval().low()), number(comparison.b().interval().high()),
                        number(comparison.deltaPercent()), number(comparison.pValue()), comparison.a().count(),
                        comparison.b().count(), comparison.significant());
            }
        }
    }

    /**
     * Group labels without the {@code key=value} pairs every group shares (printed once instead), as benchstat
     * prints the configuration lines common to a file once above its table. compare.csv keeps the whole label.
     */
    static final class GroupLabels {
        private static final java.util.regex.Pattern PAIR = java.util.regex.Pattern.compile(
                "([^\\s=]+)=((?:\"[^\"]*\"|[^\\s\"]+)(?: vs (?:\"[^\"]*\"|[^\\s\"]+))?)");
        private final Set<String> common = new LinkedHashSet<>();

        GroupLabels(List<String> labels) {
            if (labels.size() < 2) {
                return;
            }
            common.addAll(pairs(labels.get(0)));
            for (String label : labels) {
                common.retainAll(pairs(label));
            }
        }

        String common() {
            return String.join(" ", common);
        }

        String shortened(String label) {
            int colon = label.indexOf(": ");
            if (colon < 0 || common.isEmpty()) {
                return label;
            }
            List<String> kept = pairs(label).stream().filter(pair -> !common.contains(pair)).toList();
            return label.substring(0, colon) + (kept.isEmpty() ? "" : ": " + String.join(" ", kept));
        }

        private static List<String> pairs(String label) {
            int colon = label.indexOf(": ");
            List<String> pairs = new ArrayList<>();
            if (colon >= 0) {
                java.util.regex.Matcher matcher = PAIR.matcher(label.substring(colon + 2));
                while (matcher.find()) {
                    pairs.add(matcher.group());
                }
            }
            return pairs;
        }
    }

    private static List<String> cells(Row row) {
        MetricComparison comparison = row.comparison();
        return List.of(comparison.metric().columnName(), summaryText(comparison.a()), summaryText(comparison.b()),
                deltaText(comparison), pValueText(comparison.pValue()),
                comparison.a().count() + "/" + comparison.b().count(),
                comparison.metric().better() == Metric.Better.LOWER ? "lower" : "higher");
    }

    private static String aligned(List<String> line, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int column = 0; column < line.size(); column++) {
            String cell = line.get(column);
            boolean leftAligned = column == 0 || column == line.size() - 1;
            String padding = " ".repeat(widths[column] - cell.length());
            text.append(leftAligned ? cell + padding : padding + cell);
            text.append(column == line.size() - 1 ? "" : "   ");
        }
        return text.toString().stripTrailing();
    }

    private static String legend() {
        return "delta: change of the median, B vs A, marked better or worse by the metric's direction (better: "
                + "lower for latencies, times and CPU, higher for throughput); ~: not significant (Mann-Whitney U, "
                + "two-sided, p >= " + MetricComparison.ALPHA + "), as benchstat prints it";
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
        if (row.a().median() == row.b().median()) {
            return "+0.00% (same median)";
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

    static String number(double value) {
        // 12 significant digits: enough for any figure here, and 0.09999999999999987 (float noise) reads 0.1.
        return Double.isFinite(value)
                ? BigDecimal.valueOf(value).round(new MathContext(12)).stripTrailingZeros().toPlainString() : "";
    }

    /** "v0.11-election (commit 36f371bc1294, 24 runs in 6 rounds)", or the folder, its commits and run count. */
    private static String header(ResultSet side) {
        List<String> commits = side.commits();
        String commit = commits.size() == 1 ? "commit " + abbreviate(commits.get(0)) + ", "
                : commits.isEmpty() ? "" : commits.size() + " commits, ";
        long runs = side.measurements().stream().map(Measurement::source).distinct().count();
        int rounds = side.rounds().size();
        String count = runs == rounds ? runs + (runs == 1 ? " run" : " runs")
                : runs + (runs == 1 ? " run" : " runs") + " in " + rounds + (rounds == 1 ? " round" : " rounds");
        return side.label() + " (" + commit + count + ")";
    }

    private static java.util.Optional<String> commitNote(ResultSet side, String name) {
        List<String> commits = side.commits();
        if (commits.size() < 2) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(name + "'s runs measured " + commits.size() + " commits ("
                + String.join(", ", commits.stream().map(CompareTable::abbreviate).toList())
                + "): each configuration's runs are pooled across them");
    }

    static String abbreviate(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    /** Without ties the smallest two-sided p is 2 / C(nA + nB, nA); when that is not below alpha, "~" is certain. */
    private static java.util.Optional<String> smallSampleNote(int countA, int countB) {
        double smallestP = 2.0;
        for (int i = 1; i <= countA; i++) {
            smallestP *= (double) i / (countB + i);
        }
        if (smallestP < MetricComparison.ALPHA) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(Locale.ROOT,
                "with %d and %d runs p cannot go below %.3f, so no change can be significant; use more runs",
                countA, countB, Math.min(smallestP, 1.0)));
    }
}
