package io.kvbench.cli.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.cli.compare.CompareException;
import io.kvbench.cli.compare.Measurement;
import io.kvbench.cli.compare.Metric;
import io.kvbench.cli.compare.RunResultsReader;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Peak throughput of kvnode against etcd for one commit, from the results folders: closed-loop load runs whose
 * run.json names the commit, kvnode and etcd side by side in one folder at the same number of clients (as the
 * reference runs lay them out: {@code rerun-<sha>/kvnode-peak-16-clients/} beside {@code etcd-peak-16-clients/}).
 * Runs are only paired within one folder, so a batch's conditions (warm-up, duration, the machine's state) are
 * shared; several batches give the median of their ratios. 16 clients when measured, else the fewest.
 */
final class PeakRatios {

    /** kvnode's achieved rate over etcd's, at {@code clients}, median over {@code batches} folders. */
    record Ratio(double ratio, int clients, int batches) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DEPTH = 8;
    private static final int PREFERRED_CLIENTS = 16;

    private PeakRatios() {
    }

    /** The ratio, or null when no folder holds both targets' closed-loop runs of the commit. */
    static Ratio of(Path resultsRoot, String commit) throws IOException, CompareException {
        if (!Files.isDirectory(resultsRoot)) {
            return null;
        }
        List<Path> runs = new ArrayList<>();
        Files.walkFileTree(resultsRoot, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                String name = directory.getFileName() == null ? "" : directory.getFileName().toString();
                if (name.equals("cluster") || (name.equals("runs") && directory.getParent() != null
                        && Files.exists(directory.getParent().resolve("reference.json")))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (isClosedLoopRunOf(directory, commit)) {
                    runs.add(directory);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof FileSystemLoopException) {
                    return FileVisitResult.CONTINUE;
                }
                throw failure;
            }
        });
        // folder -> clients -> target -> achieved rate
        Map<Path, Map<Integer, Map<String, Double>>> batches = new LinkedHashMap<>();
        for (Path run : runs) {
            for (Measurement measurement : RunResultsReader.read(run, run.getFileName().toString())) {
                String target = measurement.configuration().value("target");
                String clients = measurement.configuration().value("clients");
                if (measurement.metric() != Metric.PEAK_THROUGHPUT_OPS_S || target == null || clients == null) {
                    continue;
                }
                batches.computeIfAbsent(run.getParent(), folder -> new TreeMap<>())
                        .computeIfAbsent(Integer.parseInt(clients), count -> new LinkedHashMap<>())
                        .put(target, measurement.value());
            }
        }
        Map<Integer, List<Double>> ratiosByClients = new TreeMap<>();
        for (Map<Integer, Map<String, Double>> batch : batches.values()) {
            batch.forEach((clients, rates) -> {
                if (rates.containsKey("kvnode") && rates.containsKey("etcd") && rates.get("etcd") > 0) {
                    ratiosByClients.computeIfAbsent(clients, count -> new ArrayList<>())
                            .add(rates.get("kvnode") / rates.get("etcd"));
                }
            });
        }
        if (ratiosByClients.isEmpty()) {
            return null;
        }
        int clients = ratiosByClients.containsKey(PREFERRED_CLIENTS) ? PREFERRED_CLIENTS
                : ratiosByClients.keySet().iterator().next();
        List<Double> ratios = ratiosByClients.get(clients);
        return new Ratio(io.kvbench.cli.compare.Quantiles.median(ratios.stream().mapToDouble(Double::doubleValue)
                .toArray()), clients, ratios.size());
    }

    private static boolean isClosedLoopRunOf(Path directory, String commit) throws IOException {
        Path runJson = directory.resolve("run.json");
        if (!Files.isRegularFile(runJson) || !Files.isRegularFile(directory.resolve("summary.csv"))) {
            return false;
        }
        JsonNode run;
        try {
            run = JSON.readTree(runJson.toFile());
        } catch (IOException unreadable) {
            return false;
        }
        return commit.equals(run.path("gitSha").asText())
                && "CLOSED_LOOP".equals(run.path("parameters").path("mode").asText());
    }
}
