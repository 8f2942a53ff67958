package io.kvbench.cli.compare;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.nio.file.Path;
import java.util.List;

/** Folder-safe names for the two sides of a comparison and the default output folder. */
public final class SideLabels {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private SideLabels() {
    }

    /**
     * The folder names of A and B: each ref (or name) with characters other than letters, digits, '.', '_' and
     * '-' replaced by '_'; when both come out equal (comparing a ref with itself) they become NAME-A and NAME-B.
     */
    public static List<String> of(String nameA, String nameB) {
        String labelA = folderSafe(nameA);
        String labelB = folderSafe(nameB);
        if (labelA.equals(labelB)) {
            return List.of(labelA + "-A", labelB + "-B");
        }
        return List.of(labelA, labelB);
    }

    /** {@code <resultsRoot>/compare-<A>-vs-<B>-<yyyyMMdd-HHmmss>}. */
    public static Path defaultOutputDirectory(Path resultsRoot, String nameA, String nameB, LocalDateTime time) {
        return resultsRoot.resolve("compare-" + folderSafe(nameA) + "-vs-" + folderSafe(nameB) + "-"
                + TIMESTAMP.format(time));
    }

    static String folderSafe(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) {
            return "_" + safe;
        }
        return safe;
    }
}
