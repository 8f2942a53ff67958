package io.kvbench.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** A run's folder as the report page reads it: what kind of run it holds, and its files (docs/results-format.md). */
final class RunFolder {
    /** What made the folder, judged from the files each command writes. */
    enum Kind {
        DEMO("demo"), CHAOS("chaos campaign"), SWEEP("rate sweep"), COMPARE("comparison"), LOAD("load run"), OTHER("results");

        final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    /** Deep enough for a demo's chaos/load/ and a sweep's TARGET/step-NNN/ files. */
    private static final int MAX_DEPTH = 4;
    /** The raw-file list stops here; the page says how many more there are. */
    static final int MAX_LISTED_FILES = 400;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    final Path directory;
    final Kind kind;

    RunFolder(Path directory) {
        this.directory = directory;
        this.kind = kindOf(directory);
    }

    private static Kind kindOf(Path directory) {
        if (Files.isRegularFile(directory.resolve("summary.txt")) && Files.isDirectory(directory.resolve("chaos"))) return Kind.DEMO;
        if (Files.isRegularFile(directory.resolve("elections.csv")) || Files.isRegularFile(directory.resolve("verdict.txt"))) return Kind.CHAOS;
        if (Files.isRegularFile(directory.resolve("sweep.csv"))) return Kind.SWEEP;
        if (Files.isRegularFile(directory.resolve("compare.csv"))) return Kind.COMPARE;
        if (Files.isRegularFile(directory.resolve("summary.csv"))) return Kind.LOAD;
        return Kind.OTHER;
    }

    boolean has(String relativePath) {
        return Files.isRegularFile(directory.resolve(relativePath));
    }

    String read(String relativePath) throws IOException {
        return Files.readString(directory.resolve(relativePath));
    }

    Optional<JsonNode> json(String relativePath) {
        if (!has(relativePath)) return Optional.empty();
        try {
            return Optional.of(JSON.readTree(directory.resolve(relativePath).toFile()));
        } catch (IOException e) {
            return Optional.empty(); // a run.json that does not parse costs its table, not the page
        }
    }

    /** A CSV file as its header and rows; empty when it does not parse. */
    Optional<Csv> csv(String relativePath) {
        if (!has(relativePath)) return Optional.empty();
        try (Reader reader = Files.newBufferedReader(directory.resolve(relativePath)); CSVParser parser = CSV.parse(reader)) {
            List<List<String>> rows = new ArrayList<>();
            for (CSVRecord record : parser) rows.add(record.toList());
            return Optional.of(new Csv(parser.getHeaderNames(), rows));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    record Csv(List<String> header, List<List<String>> rows) {
        String cell(List<String> row, String column) {
            int index = header.indexOf(column);
            return index >= 0 && index < row.size() ? row.get(index) : "";
        }
    }

    /** Every chart, as the path of its SVG relative to the folder: the folder's own first, then by path. */
    List<String> charts() throws IOException {
        return files().stream().filter(path -> path.endsWith(".svg")).sorted(Comparator
                .comparing((String path) -> path.contains("/")).thenComparing(Comparator.naturalOrder())).toList();
    }

    /**
     * The run's files, relative and sorted, without the page itself and without the nodes' storage (kvnode's WAL
     * segments, hard state and snapshots, etcd's member folders: binary, and a node's data is not a result).
     */
    List<String> files() throws IOException {
        try (Stream<Path> paths = Files.walk(directory, MAX_DEPTH)) {
            return paths.filter(Files::isRegularFile).map(path -> directory.relativize(path).toString().replace('\\', '/'))
                    .filter(RunFolder::isResultFile).sorted().toList();
        }
    }

    private static boolean isResultFile(String relativePath) {
        String name = relativePath.substring(relativePath.lastIndexOf('/') + 1);
        boolean etcdMemberData = relativePath.matches("(.*/)?[^/]+\\.etcd/.*");
        return !relativePath.equals(ReportPage.FILE_NAME) && !name.startsWith("wal-") && !name.startsWith("hardstate")
                && !name.startsWith("snapshot-") && !name.endsWith(".tmp") && !name.endsWith(".lock") && !etcdMemberData;
    }

    long size(String relativePath) throws IOException {
        return Files.size(directory.resolve(relativePath));
    }
}
