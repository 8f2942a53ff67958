package io.kvbench.cli.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.cli.compare.CompareException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The headline figures of a green quality gate, read from its output folder ({@code kvbench gate --out DIR}):
 * {@code load/summary.csv} (write p50 and p99 over the floor), {@code load/run.json} (the machine),
 * {@code chaos/run.json} (election and unavailability p50/p99, the verdict, the node audit) and
 * {@code chaos/verdict.txt} (recovered trials, and each checker's line when it names them).
 */
record GateFigures(Double writeP50OverFloor, Double writeP99OverFloor, double electionP50Millis,
        double electionP99Millis, double unavailabilityP50Millis, double unavailabilityP99Millis, String checkers,
        String machine) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RECOVERED = Pattern.compile("recovered:\\s*(\\d+)\\s*/\\s*(\\d+)");
    private static final List<String> CHECKER_LINE_STARTS = List.of("lost", "duplicate", "lineariz");

    static GateFigures read(Path gateOutput) throws CompareException, IOException {
        Path loadSummary = gateOutput.resolve("load").resolve("summary.csv");
        Path chaosRun = gateOutput.resolve("chaos").resolve("run.json");
        for (Path required : List.of(loadSummary, chaosRun)) {
            if (!Files.isRegularFile(required)) {
                throw CompareException.failed("the gate's output lacks " + required);
            }
        }
        CSVRecord load = firstRow(loadSummary);
        JsonNode chaos = JSON.readTree(chaosRun.toFile());
        return new GateFigures(cell(loadSummary, load, "p50_over_floor"), cell(loadSummary, load, "p99_over_floor"),
                millis(chaosRun, chaos, "election", "p50Millis"), millis(chaosRun, chaos, "election", "p99Millis"),
                millis(chaosRun, chaos, "unavailability", "p50Millis"),
                millis(chaosRun, chaos, "unavailability", "p99Millis"),
                checkers(chaos, gateOutput.resolve("chaos").resolve("verdict.txt")),
                machine(gateOutput.resolve("load").resolve("run.json")));
    }

    /** "pass (lost writes, duplicates, linearizability); 5/5 recovered; 0 writes applied twice (node audit)". */
    private static String checkers(JsonNode chaos, Path verdictFile) throws IOException {
        List<String> parts = new ArrayList<>();
        List<String> checkerLines = new ArrayList<>();
        String recovered = null;
        if (Files.isRegularFile(verdictFile)) {
            for (String line : Files.readAllLines(verdictFile, StandardCharsets.UTF_8)) {
                String lower = line.strip().toLowerCase(Locale.ROOT);
                if (CHECKER_LINE_STARTS.stream().anyMatch(lower::startsWith)) {
                    checkerLines.add(line.strip());
                }
                Matcher matcher = RECOVERED.matcher(lower);
                if (recovered == null && matcher.find()) {
                    recovered = matcher.group(1) + "/" + matcher.group(2) + " recovered";
                }
            }
        }
        String verdict = chaos.path("verdict").asText(chaos.path("passed").asBoolean() ? "pass" : "fail");
        parts.add(checkerLines.isEmpty() ? "safety " + verdict + " (lost writes, duplicates, linearizability)"
                : "safety " + verdict + ": " + String.join(", ", checkerLines));
        if (recovered != null) {
            parts.add(recovered);
        }
        JsonNode audit = chaos.path("nodeAudit");
        if (audit.isArray() && audit.size() > 0) {
            long repeats = 0;
            for (JsonNode node : audit) {
                repeats += node.path("repeatApplications").asLong();
            }
            parts.add(repeats + " writes applied twice (node audit, " + audit.size() + " nodes)");
        }
        return String.join("; ", parts);
    }

    private static String machine(Path loadRunJson) throws IOException {
        if (!Files.isRegularFile(loadRunJson)) {
            return "";
        }
        JsonNode run = JSON.readTree(loadRunJson.toFile());
        String cores = run.path("availableProcessors").asText("");
        String kernel = run.path("kernel").asText("");
        return (cores.isEmpty() ? "" : cores + " cores") + (kernel.isEmpty() ? "" : ", Linux " + kernel);
    }

    private static double millis(Path file, JsonNode chaos, String figure, String field) throws CompareException {
        JsonNode value = chaos.path(figure).path(field);
        if (!value.isNumber()) {
            throw CompareException.failed(file + " has no " + figure + "." + field);
        }
        return value.doubleValue();
    }

    private static CSVRecord firstRow(Path file) throws IOException, CompareException {
        try (Reader reader = Files.newBufferedReader(file);
                CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                        .parse(reader)) {
            List<CSVRecord> records = parser.getRecords();
            if (records.isEmpty()) {
                throw CompareException.failed(file + " has no rows");
            }
            return records.get(0);
        }
    }

    /** The cell's number, or null when the column is missing or empty (the floor was not measured). */
    private static Double cell(Path file, CSVRecord record, String column) throws CompareException {
        if (!record.isMapped(column) || !record.isSet(column) || record.get(column).isBlank()) {
            return null;
        }
        try {
            return Double.valueOf(record.get(column).trim());
        } catch (NumberFormatException notANumber) {
            throw CompareException.failed(file + ": " + column + " is not a number: '" + record.get(column) + "'");
        }
    }
}
