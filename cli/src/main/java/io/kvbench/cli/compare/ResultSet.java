package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The repeated runs of one side of a comparison: every direct subfolder of a directory that holds a results
 * file (summary.csv or elections.csv, see {@link RunResultsReader}), in natural order (run-2 before run-10).
 * Subfolders without results (logs, a build folder) are skipped.
 */
public record ResultSet(String label, Path directory, List<RunMeasurements> runs) {

    public ResultSet {
        runs = List.copyOf(runs);
    }

    public static ResultSet read(String label, Path directory) throws CompareException, IOException {
        if (!Files.isDirectory(directory)) {
            throw CompareException.usage("results directory '" + directory + "' does not exist");
        }
        List<Path> runFolders = new ArrayList<>();
        try (Stream<Path> children = Files.list(directory)) {
            for (Path child : children.filter(Files::isDirectory).sorted(NATURAL_ORDER).toList()) {
                if (RunResultsReader.holdsResults(child)) {
                    runFolders.add(child);
                }
            }
        }
        if (runFolders.isEmpty()) {
            throw CompareException.usage("'" + directory + "' has no runs: expected subfolders (one per run) with "
                    + RunResultsReader.SUMMARY_FILE + " or " + RunResultsReader.ELECTIONS_FILE);
        }
        List<RunMeasurements> runs = new ArrayList<>();
        for (Path runFolder : runFolders) {
            runs.add(RunResultsReader.read(runFolder));
        }
        return new ResultSet(label, directory, runs);
    }

    /** The metric's value in every run that has it, in run order. */
    public double[] sample(Metric metric) {
        return runs.stream().map(run -> run.value(metric)).flatMap(Optional::stream)
                .mapToDouble(Double::doubleValue).toArray();
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
