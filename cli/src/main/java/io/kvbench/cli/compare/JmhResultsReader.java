package io.kvbench.cli.compare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a JMH JSON result file ({@code -rf json}; {@code kvbench jmh} writes {@code results/<version>/jmh/...}).
 * Each benchmark and parameter set is a configuration (keys {@code benchmark}, {@code mode}, {@code params},
 * {@code unit}); its metric is {@link Metric#JMH_THROUGHPUT} for throughput mode (higher is better) and
 * {@link Metric#JMH_TIME_PER_OP} otherwise (lower is better). Each fork is one sample: the mean of that fork's
 * measurement iterations (a fork is a fresh JVM, independent of the others as repeated runs are; iterations in
 * one JVM are not, JMHSample_12_Forking), so {@code -f 5} gives five per side. JMH's own figure, score ± error
 * (its 99.9 % interval over every iteration), is kept for the report beside it.
 */
final class JmhResultsReader {

    /** JMH's own summary of one benchmark and parameter set in one file. */
    record JmhScore(Configuration configuration, Path file, double score, double error, String unit, int forks) {
    }

    /** The samples and scores of one file. */
    record JmhRun(List<Measurement> measurements, List<JmhScore> scores) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Files larger than this are not JMH results (they are a few kB per benchmark); skipped unread. */
    static final long MAX_FILE_BYTES = 64L << 20;

    private JmhResultsReader() {
    }

    /** True when the file looks like a JMH JSON result: a JSON array (checked before parsing). */
    static boolean mayBeJmh(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (!name.endsWith(".json") || Files.size(file) > MAX_FILE_BYTES) {
            return false;
        }
        try (InputStream input = Files.newInputStream(file)) {
            int next;
            while ((next = input.read()) != -1) {
                if (!Character.isWhitespace(next)) {
                    return next == '[';
                }
            }
        }
        return false;
    }

    /** The file's samples, or an empty run when it is a JSON array but not JMH's. */
    static JmhRun read(Path file, String round, String commit) throws IOException, CompareException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException notJson) {
            return new JmhRun(List.of(), List.of());
        }
        List<Measurement> measurements = new ArrayList<>();
        List<JmhScore> scores = new ArrayList<>();
        if (root == null || !root.isArray()) {
            return new JmhRun(measurements, scores);
        }
        for (JsonNode benchmark : root) {
            JsonNode primary = benchmark.path("primaryMetric");
            if (!benchmark.has("benchmark") || !primary.isObject()) {
                return new JmhRun(List.of(), List.of());
            }
            String mode = benchmark.path("mode").asText("");
            String unit = primary.path("scoreUnit").asText("");
            Configuration configuration = configuration(benchmark, mode, unit);
            Metric metric = mode.equals("thrpt") ? Metric.JMH_THROUGHPUT : Metric.JMH_TIME_PER_OP;
            List<Double> perFork = forkMeans(primary);
            if (perFork.isEmpty()) {
                perFork = List.of(number(file, primary, "score"));
            }
            for (int fork = 0; fork < perFork.size(); fork++) {
                String forkRound = perFork.size() == 1 ? round : round + "#fork" + (fork + 1);
                measurements.add(new Measurement(forkRound, configuration, metric, perFork.get(fork), file, commit));
            }
            double error = primary.path("scoreError").isNumber() ? primary.path("scoreError").doubleValue() : Double.NaN;
            scores.add(new JmhScore(configuration, file, number(file, primary, "score"), error, unit,
                    perFork.size()));
        }
        return new JmhRun(measurements, scores);
    }

    private static Configuration configuration(JsonNode benchmark, String mode, String unit) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("benchmark", shortName(benchmark.path("benchmark").asText()));
        keys.put("mode", mode.isEmpty() ? "unknown" : mode);
        if (!unit.isEmpty()) {
            keys.put("unit", unit);
        }
        JsonNode params = benchmark.path("params");
        if (params.isObject() && params.size() > 0) {
            Map<String, String> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> fields = params.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                sorted.put(field.getKey(), field.getValue().asText());
            }
            StringBuilder text = new StringBuilder();
            sorted.forEach((key, value) -> text.append(text.length() == 0 ? "" : ",").append(key).append('=')
                    .append(value));
            keys.put("params", text.toString());
        }
        return new Configuration(keys);
    }

    /** {@code io.kvbench.bench.jmh.CodecBenchmark.decodePut} reads {@code CodecBenchmark.decodePut}. */
    static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int type = method <= 0 ? -1 : benchmark.lastIndexOf('.', method - 1);
        return type < 0 ? benchmark : benchmark.substring(type + 1);
    }

    /** The mean of each fork's iterations ({@code rawData}: one array per fork), or empty when JMH gave none. */
    private static List<Double> forkMeans(JsonNode primary) {
        List<Double> means = new ArrayList<>();
        for (JsonNode fork : primary.path("rawData")) {
            double sum = 0;
            int count = 0;
            for (JsonNode iteration : fork) {
                if (iteration.isNumber()) {
                    sum += iteration.doubleValue();
                    count++;
                }
            }
            if (count > 0) {
                means.add(sum / count);
            }
        }
        return means;
    }

    private static double number(Path file, JsonNode holder, String field) throws CompareException {
        JsonNode value = holder.path(field);
        if (!value.isNumber()) {
            throw CompareException.usage(file + ": JMH result without a numeric " + field);
        }
        return value.doubleValue();
    }
}
