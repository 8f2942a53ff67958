package io.kvbench.cli.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads one run folder into {@link Measurement}s, each with the run's {@link Configuration}
 * ({@link ConfigurationReader}). Only the folder's own files are read (the folders below it are runs of their
 * own: {@link ResultSet} finds them); whichever of these are there:
 * <ul>
 *   <li>a load {@code summary.csv} (columns {@code mode} and {@code p50_us}; bench/README.md), one row: write
 *       p50/p99/p99.9 from {@code p50_us}, {@code p99_us}, {@code p999_us}, the floor multiples from
 *       {@code p50_over_majority_floor}, {@code p99_over_majority_floor}, {@code p50_over_floor} and
 *       {@code p99_over_floor} when measured, and for {@code CLOSED_LOOP} the peak throughput from
 *       {@code achieved_rate}; the CPU per acknowledged write (also without JIT compiling) and voluntary context
 *       switches per write, of all processes ({@code cpu_us_per_write_total}, {@code cpu_no_jit_us_per_write_total},
 *       {@code voluntary_switches_per_write_total}) and of each ({@code cpu_us_per_write_<process>}, ...), when measured; without those, with a {@code cpu.json} (reference
 *       runs before issue 19) the CPU per operation. A
 *       summary.csv with a {@code scenario} column is the reference runs' one-line-per-scenario table, which
 *       repeats its scenario folders' own files: it is skipped.</li>
 *   <li>{@code elections.csv} (one row per trial): election time = {@code fault_to_leader_ms}, unavailability =
 *       {@code fault_to_first_ack_ms}; the run's p50 and p99 over its trials (nearest rank), empty cells skipped.</li>
 *   <li>any other {@code summary.csv} is taken as a chaos summary, used only for what elections.csv did not give:
 *       wide, with columns such as {@code election_p50_ms} / {@code fault_to_leader_p99_ms} /
 *       {@code unavailability_p50_ms} / {@code fault_to_first_ack_p99_ms}; or long, one row per figure with a
 *       {@code metric} (or {@code name}) column naming election / fault_to_leader / unavailability /
 *       fault_to_first_ack and columns {@code p50_ms} and {@code p99_ms} (or {@code p50}, {@code p99}).</li>
 * </ul>
 * A cell that is not a number is an error (exit 2); an empty cell is "not measured".
 */
public final class RunResultsReader {

    static final String SUMMARY_FILE = "summary.csv";
    static final String ELECTIONS_FILE = "elections.csv";
    static final String CPU_FILE = "cpu.json";

    private static final CSVFormat READ_FORMAT = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
            .setTrim(true).setIgnoreEmptyLines(true).get();
    private static final List<String> ELECTION_WORDS = List.of("election", "fault_to_leader");
    private static final List<String> UNAVAILABILITY_WORDS = List.of("unavailability", "fault_to_first_ack");

    private RunResultsReader() {
    }

    /** True when the folder itself holds a results file this reader understands (so it is a run). */
    public static boolean holdsResults(Path directory) {
        return Files.isRegularFile(directory.resolve(SUMMARY_FILE)) || Files.isRegularFile(directory.resolve(ELECTIONS_FILE));
    }

    /** The folder's measurements, labelled with {@code round}. */
    public static List<Measurement> read(Path runDirectory, String round) throws IOException, CompareException {
        JsonNode runJson = ConfigurationReader.runJson(runDirectory);
        List<Measurement> measurements = new ArrayList<>();
        Map<Metric, Double> chaosValues = new TreeMap<>();
        CSVRecord firstTrial = null;
        Path elections = runDirectory.resolve(ELECTIONS_FILE);
        if (Files.isRegularFile(elections)) {
            firstTrial = readElections(elections, chaosValues);
        }
        Path summary = runDirectory.resolve(SUMMARY_FILE);
        if (Files.isRegularFile(summary)) {
            try (CSVParser parser = open(summary)) {
                List<String> header = parser.getHeaderNames();
                List<CSVRecord> records = parser.getRecords();
                if (header.contains("mode") && header.contains("p50_us")) {
                    if (!header.contains("scenario")) {
                        readLoad(summary, header, records, runJson, round, measurements);
                    }
                } else {
                    Map<Metric, Double> fromSummary = new TreeMap<>();
                    readChaosSummary(summary, header, records, fromSummary);
                    fromSummary.forEach(chaosValues::putIfAbsent);
                }
            }
        }
        if (!chaosValues.isEmpty()) {
            ConfigurationReader.Described described = named(ConfigurationReader.chaos(runJson, firstTrial),
                    runDirectory);
            Path source = firstTrial != null ? elections : summary;
            chaosValues.forEach((metric, value) -> measurements.add(new Measurement(round,
                    described.configuration(), metric, value, source, described.commit())));
        }
        return measurements;
    }

    /** A reference run without a recorded scenario gets its folder's name as one. */
    private static ConfigurationReader.Described named(ConfigurationReader.Described described, Path runDirectory) {
        String scenario = ConfigurationReader.referenceScenario(runDirectory);
        if (scenario == null || described.configuration().keys().containsKey("scenario")) {
            return described;
        }
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>(described.configuration().keys());
        keys.put("scenario", scenario);
        return new ConfigurationReader.Described(new Configuration(keys), described.commit());
    }

    private static void readLoad(Path file, List<String> header, List<CSVRecord> records, JsonNode runJson,
            String round, List<Measurement> measurements) throws CompareException, IOException {
        if (records.size() != 1) {
            throw CompareException.usage(file + ": a load summary.csv has one row, this one has " + records.size());
        }
        CSVRecord row = records.get(0);
        ConfigurationReader.Described described = named(ConfigurationReader.load(runJson, row), file.getParent());
        Map<Metric, Double> values = new TreeMap<>();
        putIfAbsent(values, Metric.WRITE_P50_US, cell(file, row, "p50_us"));
        putIfAbsent(values, Metric.WRITE_P99_US, cell(file, row, "p99_us"));
        putIfAbsent(values, Metric.WRITE_P999_US, cell(file, row, "p999_us"));
        putIfAbsent(values, Metric.WRITE_P50_OVER_MAJORITY_FLOOR, cell(file, row, "p50_over_majority_floor"));
        putIfAbsent(values, Metric.WRITE_P99_OVER_MAJORITY_FLOOR, cell(file, row, "p99_over_majority_floor"));
        putIfAbsent(values, Metric.WRITE_P50_OVER_FLOOR, cell(file, row, "p50_over_floor"));
        putIfAbsent(values, Metric.WRITE_P99_OVER_FLOOR, cell(file, row, "p99_over_floor"));
        String mode = row.isMapped("mode") ? row.get("mode").trim() : "";
        if (mode.equalsIgnoreCase("CLOSED_LOOP")) {
            putIfAbsent(values, Metric.PEAK_THROUGHPUT_OPS_S, cell(file, row, "achieved_rate"));
        }
        readCpu(file, header, row, values);
        Path cpu = file.resolveSibling(CPU_FILE);
        if (!values.containsKey(Metric.CPU_US_PER_WRITE_TOTAL) && Files.isRegularFile(cpu)) {
            JsonNode perOperation = new com.fasterxml.jackson.databind.ObjectMapper().readTree(cpu.toFile())
                    .path("cpuMicrosPerOperationAllListedProcesses");
            if (perOperation.isNumber()) {
                values.put(Metric.CPU_US_PER_OP, perOperation.doubleValue());
            }
        }
        values.forEach((metric, value) -> measurements.add(new Measurement(round, described.configuration(), metric,
                value, file, described.commit())));
    }

    /** The CPU columns: a total and one per process, with its prefix (docs/results-format.md). */
    private record CpuColumns(Metric total, String prefix, Function<String, Metric> perProcess) {
    }

    private static final List<CpuColumns> CPU_COLUMNS = List.of(
            new CpuColumns(Metric.CPU_US_PER_WRITE_TOTAL, Metric.CPU_PER_WRITE_PREFIX, Metric::cpuPerWrite),
            new CpuColumns(Metric.CPU_NO_JIT_US_PER_WRITE_TOTAL, Metric.CPU_NO_JIT_PER_WRITE_PREFIX, Metric::cpuNoJitPerWrite),
            new CpuColumns(Metric.VOLUNTARY_SWITCHES_PER_WRITE_TOTAL, Metric.SWITCHES_PER_WRITE_PREFIX,
                    Metric::voluntarySwitchesPerWrite));

    /**
     * The CPU columns: {@code cpu_us_per_write_total}, {@code cpu_no_jit_us_per_write_total} and
     * {@code voluntary_switches_per_write_total}, and every {@code <prefix><process>} the header names.
     */
    private static void readCpu(Path file, List<String> header, CSVRecord row, Map<Metric, Double> values)
            throws CompareException {
        for (CpuColumns columns : CPU_COLUMNS) {
            putIfAbsent(values, columns.total(), cell(file, row, columns.total().columnName()));
            for (String column : header) {
                if (column.startsWith(columns.prefix()) && !column.equals(columns.total().columnName())) {
                    putIfAbsent(values, columns.perProcess().apply(column.substring(columns.prefix().length())),
                            cell(file, row, column));
                }
            }
        }
    }

    /** Puts the campaign's percentiles into {@code values}; returns the first trial's row (its configuration). */
    private static CSVRecord readElections(Path file, Map<Metric, Double> values) throws IOException, CompareException {
        List<Double> election = new ArrayList<>();
        List<Double> unavailability = new ArrayList<>();
        CSVRecord first = null;
        try (CSVParser parser = open(file)) {
            for (CSVRecord record : parser) {
                if (first == null) {
                    first = record;
                }
                addIfPresent(election, cell(file, record, "fault_to_leader_ms"));
                addIfPresent(unavailability, cell(file, record, "fault_to_first_ack_ms"));
            }
        }
        putPercentiles(values, election, Metric.ELECTION_P50_MS, Metric.ELECTION_P99_MS);
        putPercentiles(values, unavailability, Metric.UNAVAILABILITY_P50_MS, Metric.UNAVAILABILITY_P99_MS);
        return first;
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
            String name = record.get(nameColumn).trim().toLowerCase(java.util.Locale.ROOT);
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
