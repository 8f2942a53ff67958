package io.kvbench.cli.compare;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads one run's folder into metric values. It looks for {@code summary.csv} and {@code elections.csv} in the
 * folder and up to {@value #MAX_DEPTH} levels below it (a run may keep its load and chaos results in
 * subfolders), and tolerates whichever of them are there:
 * <ul>
 *   <li>a load {@code summary.csv} (it has the columns {@code mode} and {@code p50_us}; docs/results-format.md):
 *       {@code OPEN_LOOP} (or no mode) gives write p50/p99/p99.9 from {@code p50_us}, {@code p99_us},
 *       {@code p999_us}; {@code CLOSED_LOOP} gives peak throughput from {@code achieved_rate}.</li>
 *   <li>{@code elections.csv} (one row per trial): election time = {@code fault_to_leader_ms}, unavailability =
 *       {@code fault_to_first_ack_ms}; the run's p50 and p99 over its trials (nearest rank), empty cells skipped.</li>
 *   <li>any other {@code summary.csv} is taken as a chaos summary, used only for what elections.csv did not give:
 *       wide, with columns such as {@code election_p50_ms} / {@code fault_to_leader_p99_ms} /
 *       {@code unavailability_p50_ms} / {@code fault_to_first_ack_p99_ms}; or long, one row per figure with a
 *       {@code metric} (or {@code name}) column naming election / fault_to_leader / unavailability /
 *       fault_to_first_ack and columns {@code p50_ms} and {@code p99_ms} (or {@code p50}, {@code p99}).</li>
 * </ul>
 * A metric found in none of them is absent for this run (the table says so). Two load summaries of the same
 * kind in one run are ambiguous and rejected, as is a cell that is not a number.
 */
public final class RunResultsReader {

    static final int MAX_DEPTH = 3;
    static final String SUMMARY_FILE = "summary.csv";
    static final String ELECTIONS_FILE = "elections.csv";

    private static final CSVFormat READ_FORMAT = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setTrim(true).setIgnoreEmptyLines(true).get();
    private static final List<String> ELECTION_WORDS = List.of("election", "fault_to_leader");
    private static final List<String> UNAVAILABILITY_WORDS = List.of("unavailability", "fault_to_first_ack");

    private RunResultsReader() {
    }

    /** True when the folder holds a results file this reader understands (so it counts as a run). */
    public static boolean holdsResults(Path directory) throws IOException {
        return !resultFiles(directory).isEmpty();
    }

    public static RunMeasurements read(Path runDirectory) throws IOException, CompareException {
        Map<Metric, Double> values = new EnumMap<>(Metric.class);
        Map<Metric, Path> origins = new EnumMap<>(Metric.class);
        List<Path> files = resultFiles(runDirectory);
        for (Path file : files) {
            if (file.getFileName().toString().equals(ELECTIONS_FILE)) {
                readElections(file, values);
            }
        }
        for (Path file : files) {
            if (file.getFileName().toString().equals(SUMMARY_FILE)) {
                readSummary(file, values, origins);
            }
        }
        return new RunMeasurements(runDirectory, values);
    }

    static List<Path> resultFiles(Path directory) throws IOException {
        try (Stream<Path> paths = Files.find(directory, MAX_DEPTH + 1, (path, attributes) -> attributes.isRegularFile()
                && (path.getFileName().toString().equals(SUMMARY_FILE)
                        || path.getFileName().toString().equals(ELECTIONS_FILE)))) {
            return paths.filter(path -> !isCampaignBackgroundLoad(path)).sorted().toList();
        }
    }

    /**
     * A chaos campaign keeps its background load generator's files in {@code load/} beside elections.csv: that
     * is latency under faults, not a load run's, so it must not be read as write latency.
     */
    private static boolean isCampaignBackgroundLoad(Path file) {
        Path folder = file.getParent();
        return folder != null && folder.getFileName() != null && folder.getFileName().toString().equals("load")
                && folder.getParent() != null && Files.exists(folder.getParent().resolve(ELECTIONS_FILE));
    }

    private static void readElections(Path file, Map<Metric, Double> values) throws IOException, CompareException {
        List<Double> election = new ArrayList<>();
        List<Double> unavailability = new ArrayList<>();
        try (CSVParser parser = open(file)) {
            for (CSVRecord record : parser) {
                addIfPresent(election, cell(file, record, "fault_to_leader_ms"));
                addIfPresent(unavailability, cell(file, record, "fault_to_first_ack_ms"));
            }
        }
        putPercentiles(values, election, Metric.ELECTION_P50_MS, Metric.ELECTION_P99_MS);
        putPercentiles(values, unavailability, Metric.UNAVAILABILITY_P50_MS, Metric.UNAVAILABILITY_P99_MS);
    }

    private static void readSummary(Path file, Map<Metric, Double> values, Map<Metric, Path> origins)
            throws IOException, CompareException {
        try (CSVParser parser = open(file)) {
            List<String> header = parser.getHeaderNames();
            List<CSVRecord> records = parser.getRecords();
            if (header.contains("mode") && header.contains("p50_us")) {
                for (CSVRecord record : records) {
                    readLoadRow(file, record, values, origins);
                }
            } else {
                readChaosSummary(file, header, records, values);
            }
        }
    }

    private static void readLoadRow(Path file, CSVRecord record, Map<Metric, Double> values,
            Map<Metric, Path> origins) throws CompareException {
        String mode = record.isMapped("mode") ? record.get("mode").trim() : "";
        if (mode.equalsIgnoreCase("CLOSED_LOOP")) {
            putOnce(file, values, origins, Metric.PEAK_THROUGHPUT_OPS_S, cell(file, record, "achieved_rate"));
        } else {
            putOnce(file, values, origins, Metric.WRITE_P50_US, cell(file, record, "p50_us"));
            putOnce(file, values, origins, Metric.WRITE_P99_US, cell(file, record, "p99_us"));
            putOnce(file, values, origins, Metric.WRITE_P999_US, cell(file, record, "p999_us"));
        }
    }

    private static void readChaosSummary(Path file, List<String> header, List<CSVRecord> records,
            Map<Metric, Double> values) throws CompareException {
        String nameColumn = firstPresent(header, List.of("metric", "name", "measure"));
        for (CSVRecord record : records) {
            if (nameColumn == null) {
                putChaosWide(file, record, header, values, ELECTION_WORDS, Metric.ELECTION_P50_MS,
                        Metric.ELECTION_P99_MS);
                putChaosWide(file, record, header, values, UNAVAILABILITY_WORDS, Metric.UNAVAILABILITY_P50_MS,
                        Metric.UNAVAILABILITY_P99_MS);
                continue;
            }
            String name = record.get(nameColumn).trim().toLowerCase();
            if (name.contains("candidate")) {
                continue;
            }
            if (ELECTION_WORDS.stream().anyMatch(name::contains)) {
                putChaosLong(file, record, header, values, Metric.ELECTION_P50_MS, Metric.ELECTION_P99_MS);
            } else if (UNAVAILABILITY_WORDS.stream().anyMatch(name::contains)) {
                putChaosLong(file, record, header, values, Metric.UNAVAILABILITY_P50_MS,
                        Metric.UNAVAILABILITY_P99_MS);
            }
        }
    }

    private static void putChaosWide(Path file, CSVRecord record, List<String> header, Map<Metric, Double> values,
            List<String> words, Metric p50, Metric p99) throws CompareException {
        List<String> p50Columns = new ArrayList<>();
        List<String> p99Columns = new ArrayList<>();
        for (String word : words) {
            p50Columns.addAll(List.of(word + "_p50_ms", word + "_time_p50_ms"));
            p99Columns.addAll(List.of(word + "_p99_ms", word + "_time_p99_ms"));
        }
        putIfAbsent(values, p50, cellOfFirst(file, record, header, p50Columns));
        putIfAbsent(values, p99, cellOfFirst(file, record, header, p99Columns));
    }

    private static void putChaosLong(Path file, CSVRecord record, List<String> header, Map<Metric, Double> values,
            Metric p50, Metric p99) throws CompareException {
        putIfAbsent(values, p50, cellOfFirst(file, record, header, List.of("p50_ms", "p50")));
        putIfAbsent(values, p99, cellOfFirst(file, record, header, List.of("p99_ms", "p99")));
    }

    private static Double cellOfFirst(Path file, CSVRecord record, List<String> header, List<String> columns)
            throws CompareException {
        String column = firstPresent(header, columns);
        return column == null ? null : cell(file, record, column);
    }

    private static String firstPresent(List<String> header, List<String> candidates) {
        for (String candidate : candidates) {
            if (header.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void putPercentiles(Map<Metric, Double> values, List<Double> sample, Metric p50, Metric p99) {
        if (sample.isEmpty()) {
            return;
        }
        double[] array = sample.stream().mapToDouble(Double::doubleValue).toArray();
        values.put(p50, Quantiles.nearestRankPercentile(array, 50));
        values.put(p99, Quantiles.nearestRankPercentile(array, 99));
    }

    private static void putOnce(Path file, Map<Metric, Double> values, Map<Metric, Path> origins, Metric metric,
            Double value) throws CompareException {
        if (value == null) {
            return;
        }
        Path earlier = origins.putIfAbsent(metric, file);
        if (earlier != null) {
            throw CompareException.usage(metric.columnName() + " given twice in one run (" + earlier + " and "
                    + file + "); keep one load run of each mode per run folder");
        }
        values.put(metric, value);
    }

    private static void putIfAbsent(Map<Metric, Double> values, Metric metric, Double value) {
        if (value != null) {
            values.putIfAbsent(metric, value);
        }
    }

    private static void addIfPresent(List<Double> sample, Double value) {
        if (value != null) {
            sample.add(value);
        }
    }

    /** The number in a cell, or null when the column is missing or the cell is empty ("not measured"). */
    private static Double cell(Path file, CSVRecord record, String column) throws CompareException {
        if (!record.isMapped(column) || !record.isSet(column)) {
            return null;
        }
        String text = record.get(column).trim();
        if (text.isEmpty()) {
            return null;
        }
        try {
            double value = Double.parseDouble(text);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException notANumber) {
            throw CompareException.usage(file + " line " + (record.getRecordNumber() + 1) + ": " + column
                    + " is not a number: '" + text + "'");
        }
    }

    private static CSVParser open(Path file) throws IOException {
        Reader reader = Files.newBufferedReader(file);
        return READ_FORMAT.parse(reader);
    }
}
