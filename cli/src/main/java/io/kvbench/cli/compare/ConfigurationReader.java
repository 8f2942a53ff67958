package io.kvbench.cli.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVRecord;

/**
 * A run's {@link Configuration} and commit, from its run.json (docs/results-format.md): a load run's (bench's
 * {@code RunInfo}: {@code target}, {@code fsyncMode}, {@code parameters}) or a chaos campaign's ({@code target},
 * {@code clusterSize}, election and heartbeat settings, {@code campaign}). Without run.json the first row of
 * elections.csv or of a load summary.csv gives what it has. Keys that newer runs record and older ones do not
 * ({@code targetLabel}, {@code targetVersion}, {@code probeIntervalMillis}) are read wherever present; a key on
 * one side only is reported by {@link ConfigurationMatcher}, which says to {@code --ignore} it.
 */
final class ConfigurationReader {

    static final String RUN_JSON = "run.json";
    /** Optional keys read from the top level, {@code parameters} or {@code campaign} of any run.json. */
    private static final List<String> OPTIONAL_KEYS = List.of("targetLabel", "targetVersion", "probeIntervalMillis");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** "kvnode <short sha>," or "kvnode (commit unknown)," at the start of a label (chaos' TargetLabel). */
    private static final Pattern KVNODE_COMMIT_IN_LABEL = Pattern.compile("^kvnode (?:[0-9a-f]{7,40}|\\(commit unknown\\)),");

    /** A configuration and the commit it was measured on ("" when not recorded). */
    record Described(Configuration configuration, String commit) {
    }

    private ConfigurationReader() {
    }

    /** The run.json of a folder, or null when it has none. */
    static JsonNode runJson(Path folder) throws CompareException {
        Path file = folder.resolve(RUN_JSON);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException unreadable) {
            throw CompareException.usage(file + ": not readable as JSON: " + firstLine(unreadable.getMessage()));
        }
    }

    /**
     * The scenario a reference-runs folder names its run folders after ({@code rerun-<sha>/kvnode-peak-16-clients/}
     * beside {@code reference.json}), for runs whose run.json has no {@code scenario}; else null.
     */
    static String referenceScenario(Path runFolder) {
        Path parent = runFolder.toAbsolutePath().normalize().getParent();
        return parent != null && Files.isRegularFile(parent.resolve("reference.json"))
                ? runFolder.toAbsolutePath().normalize().getFileName().toString() : null;
    }

    /** A load run: from run.json when there is one, else from the summary.csv row. */
    static Described load(JsonNode runJson, CSVRecord summaryRow) {
        Map<String, String> keys = new LinkedHashMap<>();
        String commit = "";
        if (runJson != null) {
            JsonNode parameters = runJson.path("parameters");
            put(keys, "target", runJson.path("target"));
            put(keys, "fsync", runJson.path("fsyncMode"));
            String mode = text(parameters.path("mode"));
            put(keys, "mode", mode);
            put(keys, "connections", parameters.path("connections"));
            if ("CLOSED_LOOP".equalsIgnoreCase(mode)) {
                put(keys, "clients", parameters.path("inFlightLimit"));
            } else {
                put(keys, "rate", parameters.path("targetRatePerSecond"));
                put(keys, "inFlightLimit", parameters.path("inFlightLimit"));
            }
            put(keys, "valueSizeBytes", parameters.path("valueSizeBytes"));
            put(keys, "keys", parameters.path("keyCount"));
            String distribution = text(parameters.path("keyDistribution"));
            if ("ZIPFIAN".equalsIgnoreCase(distribution)) {
                distribution += "(theta=" + text(parameters.path("zipfianTheta")) + ")";
            }
            put(keys, "keyDistribution", distribution);
            if (parameters.has("writePercent")) {
                keys.put("readWriteCasPercent", text(parameters.path("readPercent")) + "/"
                        + text(parameters.path("writePercent")) + "/" + text(parameters.path("casPercent")));
            }
            put(keys, "clusterSize", runJson.path("clusterSize"));
            // Which thread paced the generator; every load run before the choice existed was paced by sender threads.
            keys.put("pacing", parameters.has("pacing") ? text(parameters.path("pacing")) : "threads");
            commit = text(runJson.path("gitSha"));
            common(runJson, keys);
        } else if (summaryRow != null) {
            putCell(keys, "target", summaryRow, "target");
            String mode = summaryRow.isMapped("mode") ? summaryRow.get("mode").trim() : "";
            put(keys, "mode", mode);
            if (!"CLOSED_LOOP".equalsIgnoreCase(mode)) {
                putCell(keys, "rate", summaryRow, "target_rate");
            }
        }
        return new Described(new Configuration(keys), commit);
    }

    /** A chaos campaign: from run.json when there is one, else from the elections.csv row. */
    static Described chaos(JsonNode runJson, CSVRecord electionsRow) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("mode", "chaos");
        String commit = "";
        if (runJson != null) {
            JsonNode campaign = runJson.path("campaign");
            put(keys, "target", runJson.path("target"));
            put(keys, "fault", campaign.path("fault"));
            put(keys, "clusterSize", runJson.path("clusterSize"));
            put(keys, "electionTimeoutMinMillis", runJson.path("electionTimeoutMinMillis"));
            put(keys, "electionTimeoutMaxMillis", runJson.path("electionTimeoutMaxMillis"));
            put(keys, "heartbeatMillis", runJson.path("heartbeatMillis"));
            put(keys, "rate", campaign.path("loadRate"));
            put(keys, "clientFanOut", campaign.path("clientFanOut"));
            put(keys, "network", runJson.path("network"));
            put(keys, "fsync", runJson.has("fsyncMode") ? runJson.path("fsyncMode") : runJson.path("fsync"));
            commit = text(campaign.path("gitSha"));
            common(runJson, keys);
        } else if (electionsRow != null) {
            putCell(keys, "target", electionsRow, "target");
            putCell(keys, "fault", electionsRow, "fault");
            putCell(keys, "clusterSize", electionsRow, "cluster_size");
            putCell(keys, "electionTimeoutMinMillis", electionsRow, "election_timeout_min_ms");
            putCell(keys, "electionTimeoutMaxMillis", electionsRow, "election_timeout_max_ms");
            putCell(keys, "heartbeatMillis", electionsRow, "heartbeat_ms");
            putCell(keys, "rate", electionsRow, "load_rate");
            if (electionsRow.isMapped("git_sha")) {
                commit = electionsRow.get("git_sha").trim();
            }
        }
        return new Described(new Configuration(keys), commit);
    }

    /** Keys any run.json may carry: the suite's scenario name and the keys newer runs add. */
    private static void common(JsonNode runJson, Map<String, String> keys) {
        put(keys, "scenario", runJson.path("scenario"));
        for (String key : OPTIONAL_KEYS) {
            for (JsonNode holder : List.of(runJson, runJson.path("parameters"), runJson.path("campaign"))) {
                if (holder.has(key) && !keys.containsKey(key)) {
                    put(keys, key, holder.path(key));
                }
            }
        }
        keys.computeIfPresent("targetLabel", (key, label) -> withoutOwnCommit(label));
    }

    /**
     * A kvnode label names the commit it was built from ("kvnode 8cb1166, heartbeat 30 ms, ..."): that is the version
     * a comparison compares, not part of the configuration, or no two versions would ever match. An etcd label's
     * version stays: etcd is the same target on both sides only when its version is.
     */
    static String withoutOwnCommit(String targetLabel) {
        return KVNODE_COMMIT_IN_LABEL.matcher(targetLabel).replaceFirst("kvnode,");
    }

    /** The commit a run.json names ({@code gitSha} or {@code campaign.gitSha}), or "". */
    static String commit(JsonNode runJson) {
        if (runJson == null) {
            return "";
        }
        String sha = text(runJson.path("gitSha"));
        return sha.isEmpty() ? text(runJson.path("campaign").path("gitSha")) : sha;
    }

    private static void put(Map<String, String> keys, String key, JsonNode value) {
        put(keys, key, text(value));
    }

    private static void put(Map<String, String> keys, String key, String value) {
        if (value != null && !value.isBlank()) {
            keys.put(key, value.strip());
        }
    }

    private static void putCell(Map<String, String> keys, String key, CSVRecord row, String column) {
        if (row.isMapped(column) && row.isSet(column)) {
            put(keys, key, canonicalNumber(row.get(column).trim()));
        }
    }

    /** A JSON value as text: numbers without trailing zeros (1000.0 reads 1000), missing or null as "". */
    static String text(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (value.isNumber()) {
            return plain(value.decimalValue());
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** "1000.000" and "1000" are one rate. */
    static String canonicalNumber(String text) {
        try {
            return plain(new BigDecimal(text));
        } catch (NumberFormatException notANumber) {
            return text;
        }
    }

    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}
