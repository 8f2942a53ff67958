package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/**
 * Everything one side of a comparison measured: every run folder under its directory (the directory itself
 * included), found by walking it (symbolic links followed, loops skipped with a note) down to
 * {@value #MAX_DEPTH} levels. A run folder is one that holds summary.csv or elections.csv
 * ({@link RunResultsReader}); JMH JSON files anywhere are read too ({@link JmhResultsReader}). A chaos campaign's
 * background load ({@code load/} beside elections.csv: latency under faults) and node folders ({@code cluster/})
 * are not runs. Each measurement keeps its round: the first folder below the directory it was found in (e.g.
 * {@code run-3} of {@code A/run-3/peak-16-clients/}), in natural order (run-2 before run-10).
 */
public record ResultSet(String label, Path directory, List<Measurement> measurements,
        List<JmhResultsReader.JmhScore> jmhScores, List<String> notes) {

    static final int MAX_DEPTH = 8;

    public ResultSet {
        measurements = List.copyOf(measurements);
        jmhScores = List.copyOf(jmhScores);
        notes = List.copyOf(notes);
    }

    /** A result set of measurements made in memory (tests, merged sets). */
    public static ResultSet of(String label, Path directory, List<Measurement> measurements) {
        return new ResultSet(label, directory, measurements, List.of(), List.of());
    }

    public static ResultSet read(String label, Path directory) throws CompareException, IOException {
        if (!Files.isDirectory(directory)) {
            throw CompareException.usage("results directory '" + directory + "' does not exist");
        }
        Walk walk = new Walk(directory);
        Files.walkFileTree(directory, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, walk);
        if (walk.failure != null) {
            throw walk.failure;
        }
        if (walk.measurements.isEmpty()) {
            throw CompareException.usage("'" + directory + "' has no runs: expected run folders (the directory or "
                    + "folders below it) with " + RunResultsReader.SUMMARY_FILE + " or "
                    + RunResultsReader.ELECTIONS_FILE + ", or JMH JSON files");
        }
        // Directory listings come in no particular order: sort, so tables and files read the same every time.
        List<Measurement> sorted = new ArrayList<>(walk.measurements);
        sorted.sort(Comparator.comparing(Measurement::round, ResultSet::compareNatural)
                .thenComparing(m -> m.source().toString(), ResultSet::compareNatural));
        List<JmhResultsReader.JmhScore> scores = new ArrayList<>(walk.jmhScores);
        scores.sort(Comparator.comparing(score -> score.file().toString(), ResultSet::compareNatural));
        return new ResultSet(label, directory, sorted, scores, walk.notes);
    }

    /** The same runs, with {@code commit} for those that recorded none (runs known to come from one build). */
    public ResultSet withDefaultCommit(String commit) {
        List<Measurement> filled = measurements.stream().map(m -> m.commit().isEmpty() ? new Measurement(m.round(),
                m.configuration(), m.metric(), m.value(), m.source(), commit) : m).toList();
        return new ResultSet(label, directory, filled, jmhScores, notes);
    }

    /** The configurations measured, in {@link Configuration#ORDER}. */
    public List<Configuration> configurations() {
        return measurements.stream().map(Measurement::configuration).distinct().sorted(Configuration.ORDER).toList();
    }

    /** The metrics measured under one configuration, in {@link Metric} order. */
    public List<Metric> metrics(Configuration configuration) {
        return measurements.stream().filter(m -> m.configuration().equals(configuration)).map(Measurement::metric)
                .distinct().sorted().toList();
    }

    /** The metric's value in every run of the configuration, in round order. */
    public double[] sample(Configuration configuration, Metric metric) {
        return measurements(configuration, metric).stream().mapToDouble(Measurement::value).toArray();
    }

    public List<Measurement> measurements(Configuration configuration, Metric metric) {
        return measurements.stream().filter(m -> m.metric() == metric && m.configuration().equals(configuration))
                .toList();
    }

    /** The distinct commits the runs name (empty when none recorded one). */
    public List<String> commits() {
        return measurements.stream().map(Measurement::commit).filter(commit -> !commit.isEmpty()).distinct()
                .toList();
    }

    /** The distinct rounds, in order. */
    public List<String> rounds() {
        return measurements.stream().map(Measurement::round).distinct().toList();
    }

    /** Finds run folders and JMH files; collects their measurements. */
    private static final class Walk extends SimpleFileVisitor<Path> {
        private final Path root;
        final List<Measurement> measurements = new ArrayList<>();
        final List<JmhResultsReader.JmhScore> jmhScores = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        CompareException failure;

        Walk(Path root) {
            this.root = root;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
            String name = directory.getFileName() == null ? "" : directory.getFileName().toString();
            boolean backgroundLoad = name.equals("load") && directory.getParent() != null
                    && Files.exists(directory.getParent().resolve(RunResultsReader.ELECTIONS_FILE));
            if (!directory.equals(root) && (backgroundLoad || name.equals("cluster"))) {
                return FileVisitResult.SKIP_SUBTREE;
            }
            if (RunResultsReader.holdsResults(directory)) {
                try {
                    measurements.addAll(RunResultsReader.read(directory, round(directory)));
                } catch (CompareException bad) {
                    failure = bad;
                    return FileVisitResult.TERMINATE;
                }
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
            if (attributes.isRegularFile() && JmhResultsReader.mayBeJmh(file)) {
                try {
                    String commit = ConfigurationReader.commit(ConfigurationReader.runJson(file.getParent()));
                    JmhResultsReader.JmhRun run = JmhResultsReader.read(file, round(file), commit);
                    measurements.addAll(run.measurements());
                    jmhScores.addAll(run.scores());
                } catch (CompareException bad) {
                    failure = bad;
                    return FileVisitResult.TERMINATE;
                }
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException failed) throws IOException {
            if (failed instanceof FileSystemLoopException) {
                notes.add("symbolic link loop at " + file + " not followed");
                return FileVisitResult.CONTINUE;
            }
            throw failed;
        }

        /** The first path element below the root, or the root's own name for its own files. */
        private String round(Path path) {
            Path relative = root.relativize(path);
            if (relative.getNameCount() == 0 || relative.toString().isEmpty()
                    || (relative.getNameCount() == 1 && Files.isRegularFile(path))) {
                String own = root.toAbsolutePath().normalize().getFileName() == null ? "."
                        : root.toAbsolutePath().normalize().getFileName().toString();
                return Files.isRegularFile(path) ? own + "/" + path.getFileName() : own;
            }
            return relative.getName(0).toString();
        }
    }

    /** Folder names compared by their text, with runs of digits compared as numbers. */
    static final Comparator<Path> NATURAL_ORDER = (left, right) -> compareNatural(left.getFileName().toString(),
            right.getFileName().toString());

    static int compareNatural(String left, String right) {
        int i = 0;
        int j = 0;
        while (i < left.length() && j < right.length()) {
            char a = left.charAt(i);
            char b = right.charAt(j);
            if (Character.isDigit(a) && Character.isDigit(b)) {
                int endA = i;
                while (endA < left.length() && Character.isDigit(left.charAt(endA))) {
                    endA++;
                }
                int endB = j;
                while (endB < right.length() && Character.isDigit(right.charAt(endB))) {
                    endB++;
                }
                String digitsA = left.substring(i, endA).replaceFirst("^0+(?=.)", "");
                String digitsB = right.substring(j, endB).replaceFirst("^0+(?=.)", "");
                int byNumber = digitsA.length() != digitsB.length()
                        ? Integer.compare(digitsA.length(), digitsB.length()) : digitsA.compareTo(digitsB);
                if (byNumber != 0) {
                    return byNumber;
                }
                i = endA;
                j = endB;
            } else {
                if (a != b) {
                    return Character.compare(a, b);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(left.length() - i, right.length() - j);
    }
}
