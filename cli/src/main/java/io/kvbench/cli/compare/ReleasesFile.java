package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * RELEASES.md at the repository's root: one table row per release that {@code kvbench release} made (name,
 * commit, date, the quality gate's headline figures). Tags made in one clone do not travel with every copy of
 * the repository; this file does, so a release name missing from the clone's tags still resolves to its commit
 * ({@link GitRepository#resolve}), {@code kvbench release --restore-tags} recreates the tags, and
 * {@code kvbench history} draws the figures by release. The format is in docs/results-format.md.
 */
public final class ReleasesFile {

    public static final String NAME = "RELEASES.md";

    /** The table's columns, in order. */
    public static final List<String> COLUMNS = List.of("release", "commit", "date", "write p50 / p99 (x floor)",
            "election p50 / p99 (ms)", "unavailability p50 / p99 (ms)", "checkers", "machine");

    static final String PREAMBLE = """
            # Releases

            Written by `kvbench release NAME`: each row is a commit on which the quality gate (`kvbench gate`,
            docs/quality-gate.md) was green, run on a clean worktree of that commit, and the figures the gate measured
            there. The annotated tag NAME points at the commit. Tags made in a clone do not travel with every copy of the
            repository, this file does: `kvbench compare NAME ...` resolves a release whose tag is missing through it
            (and says so), and `kvbench release --restore-tags` recreates the tags. `kvbench history` draws the
            figures by release.

            Figures are from the gate's short runs on the machine named (a shared 2-core machine is noisy: read them as
            a trend, and compare two releases with `kvbench compare A B`): write p50 / p99 over the floor measured in
            the same run (fsync + loopback round trip; p50 over the p50s, p99 over the p99s) for 10 s of writes at
            200/s (open loop, 2 connections: at that rate writes seldom overlap); election (kill to new leader) and
            unavailability (kill to first acknowledged write) p50 / p99 over 5 leader kills (the p99 of 5 is the
            slowest); the checkers' verdicts on that campaign's history. `-`: not measured.

            """;

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** One release: figures are null when the gate did not give them. */
    public record Release(String name, String commit, String date, Double writeP50OverFloor, Double writeP99OverFloor,
            Double electionP50Millis, Double electionP99Millis, Double unavailabilityP50Millis,
            Double unavailabilityP99Millis, String checkers, String machine) {

        public Release {
            if (!COMMIT.matcher(commit).matches()) {
                throw new IllegalArgumentException("a release's commit is 40 hex digits, not '" + commit + "'");
            }
            checkers = cell(checkers);
            machine = cell(machine);
        }

        /** "write p50 / p99 (x floor) 2.91 / 8.12; election p50 / p99 (ms) 20.1 / 40.5; ...". */
        public String describe() {
            List<String> cells = cells();
            List<String> parts = new ArrayList<>();
            for (int column = 3; column < COLUMNS.size(); column++) {
                parts.add(COLUMNS.get(column) + " " + cells.get(column));
            }
            return String.join("; ", parts);
        }

        List<String> cells() {
            return List.of(name, commit, date, pair(writeP50OverFloor, writeP99OverFloor, "%.2f"),
                    pair(electionP50Millis, electionP99Millis, "%.1f"),
                    pair(unavailabilityP50Millis, unavailabilityP99Millis, "%.1f"), checkers, machine);
        }
    }

    private final Path file;
    private final List<Release> releases;

    private ReleasesFile(Path file, List<Release> releases) {
        this.file = file;
        this.releases = List.copyOf(releases);
    }

    /** RELEASES.md in {@code repositoryRoot}; no file means no releases. */
    public static ReleasesFile in(Path repositoryRoot) throws CompareException, IOException {
        return read(repositoryRoot.resolve(NAME));
    }

    public static ReleasesFile read(Path file) throws CompareException, IOException {
        if (!Files.isRegularFile(file)) {
            return new ReleasesFile(file, List.of());
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Release> releases = new ArrayList<>();
        int header = -1;
        for (int index = 0; index < lines.size(); index++) {
            if (cells(lines.get(index)).equals(COLUMNS)) {
                header = index;
                break;
            }
        }
        if (header < 0) {
            return new ReleasesFile(file, List.of());
        }
        for (int index = header + 2; index < lines.size() && lines.get(index).startsWith("|"); index++) {
            releases.add(parse(file, index + 1, cells(lines.get(index))));
        }
        return new ReleasesFile(file, releases);
    }

    public Path file() {
        return file;
    }

    public List<Release> releases() {
        return releases;
    }

    public Optional<Release> find(String name) {
        return releases.stream().filter(release -> release.name().equals(name)).findFirst();
    }

    /** The file's text with {@code release} appended (the preamble and header first when the file is new). */
    public String withAppended(Release release) throws IOException {
        String existing = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        StringBuilder text = new StringBuilder(existing);
        if (releases.isEmpty() && existing.lines().noneMatch(line -> cells(line).equals(COLUMNS))) {
            if (existing.isBlank()) {
                text.setLength(0);
                text.append(PREAMBLE);
            } else if (!existing.endsWith("\n\n")) {
                text.append(existing.endsWith("\n") ? "\n" : "\n\n");
            }
            text.append(row(COLUMNS)).append(row(COLUMNS.stream().map(column -> "---").toList()));
            text.append(row(release.cells()));
            return text.toString();
        }
        // Insert after the last row of the table, so text after the table stays where it is.
        List<String> lines = new ArrayList<>(existing.lines().toList());
        int last = -1;
        for (int index = 0; index < lines.size(); index++) {
            if (cells(lines.get(index)).equals(COLUMNS)) {
                last = index + 1;
                while (last + 1 < lines.size() && lines.get(last + 1).startsWith("|")) {
                    last++;
                }
            }
        }
        lines.add(last + 1, row(release.cells()).stripTrailing());
        return String.join("\n", lines) + "\n";
    }

    private static Release parse(Path file, int lineNumber, List<String> cells) throws CompareException {
        if (cells.size() != COLUMNS.size()) {
            throw CompareException.usage(file + " line " + lineNumber + ": " + cells.size() + " cells, expected "
                    + COLUMNS.size() + " (" + String.join(" | ", COLUMNS) + ")");
        }
        try {
            Double[] write = numbers(cells.get(3));
            Double[] election = numbers(cells.get(4));
            Double[] unavailability = numbers(cells.get(5));
            return new Release(cells.get(0), cells.get(1), cells.get(2), write[0], write[1], election[0], election[1],
                    unavailability[0], unavailability[1], cells.get(6), cells.get(7));
        } catch (IllegalArgumentException bad) {
            throw CompareException.usage(file + " line " + lineNumber + ": " + bad.getMessage());
        }
    }

    /** "2.91 / 8.12" -> {2.91, 8.12}; "-" for a figure not measured. */
    private static Double[] numbers(String cell) {
        String[] parts = cell.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected 'p50 / p99', not '" + cell + "'");
        }
        Double[] values = new Double[2];
        for (int index = 0; index < 2; index++) {
            String part = parts[index].trim();
            try {
                values[index] = part.equals("-") ? null : Double.valueOf(part);
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("'" + part + "' is not a number (in '" + cell + "')");
            }
        }
        return values;
    }

    private static String pair(Double p50, Double p99, String format) {
        return figure(p50, format) + " / " + figure(p99, format);
    }

    private static String figure(Double value, String format) {
        return value == null ? "-" : String.format(Locale.ROOT, format, value);
    }

    /** A cell's text without the characters that would break the table. */
    private static String cell(String text) {
        String flat = text == null ? "" : text.replace('|', '/').replaceAll("\\s+", " ").strip();
        return flat.isEmpty() ? "-" : flat;
    }

    private static List<String> cells(String line) {
        String trimmed = line.strip();
        if (!trimmed.startsWith("|") || !trimmed.endsWith("|") || trimmed.length() < 2) {
            return List.of();
        }
        List<String> cells = new ArrayList<>();
        for (String cell : trimmed.substring(1, trimmed.length() - 1).split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }
}
