package io.kvbench.chaos.campaign;

import io.kvbench.chaos.history.Verdict;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one safety checker of a campaign did: its result and what it looked at, so "safety: pass" says what
 * passed. Counts that do not apply to a checker are -1 (an empty cell in summary.csv), as is {@code searchMillis}
 * for every checker but linearizability.
 *
 * @param checker      {@code lost_writes}, {@code duplicates}, {@code node_audit} or {@code linearizability}
 * @param result       {@code pass}, {@code fail}, {@code unknown} (not decided) or {@code skipped}
 * @param checked      what the checker checked, counted: acknowledged writes (lost_writes), acknowledged
 *                     unique-key writes (duplicates), distinct writes audited on the node that audited the most
 *                     (node_audit), keys (linearizability)
 * @param operations   operations in the history it read (lost_writes: all of them; linearizability: the
 *                     register keys' ones)
 * @param violations   violations it found
 * @param searchMillis linearizability only: how long the search took
 * @param details      one line in words: what was checked and what was found, or why it was skipped
 */
public record CheckerResult(String checker, String result, long checked, long operations, long violations,
                            double searchMillis, String details) {
    public static final String PASS = "pass";
    public static final String FAIL = "fail";
    public static final String UNKNOWN = "unknown";
    public static final String SKIPPED = "skipped";

    /** The words verdict.txt and the demo's summary use for each checker. */
    public String title() {
        return switch (checker) {
            case "lost_writes" -> "lost acknowledged writes";
            case "duplicates" -> "writes applied twice";
            case "node_audit" -> "node write audit";
            case "linearizability" -> "linearizability";
            default -> checker;
        };
    }

    /** e.g. {@code linearizability: pass (3 keys, 15,819 operations, search 412 ms)}. */
    public String describe() {
        return title() + ": " + result + " (" + details + ")";
    }

    static String result(Verdict verdict) {
        if (verdict.passed()) return PASS;
        return verdict instanceof Verdict.Unknown ? UNKNOWN : FAIL;
    }

    /** Thousands grouped with ',' whatever the default locale, as in the rest of verdict.txt. */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** For run.json. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("checker", checker);
        map.put("result", result);
        if (checked >= 0) map.put("checked", checked);
        if (operations >= 0) map.put("operations", operations);
        map.put("violations", violations);
        if (searchMillis >= 0) map.put("searchMillis", searchMillis);
        map.put("details", details);
        return map;
    }
}
