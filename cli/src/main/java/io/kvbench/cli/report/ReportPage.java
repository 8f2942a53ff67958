package io.kvbench.cli.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code report.html} in a run's folder (load, chaos, demo, sweep, compare): what ran, the verdict, the summary
 * table, every chart, the run's parameters from run.json and links to the raw files. One static file: styles inline,
 * charts and files linked relatively, no script from elsewhere and no server, so the folder can be copied or
 * zipped and opened anywhere. An image that does not load says so in place of the chart.
 */
public final class ReportPage {
    public static final String FILE_NAME = "report.html";
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1400px;padding:0 1em;color:#222}
            h1{font-size:1.4em;margin-bottom:.2em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
            .what{color:#444;margin-top:0} .built{color:#777;font-size:.85em}
            #verdict{padding:.6em 1em;border-radius:6px;border:1px solid #ccc} #verdict pre{margin:.3em 0}
            #verdict.pass{background:#e8f5e9;border-color:#66bb6a} #verdict.fail{background:#ffebee;border-color:#e53935}
            #verdict.unknown{background:#fff8e1;border-color:#ffb300} #verdict.info{background:#f5f5f5}
            table{border-collapse:collapse;font-size:.85em;margin:.5em 0} th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left}
            th{background:#f3f3f3} td{font-variant-numeric:tabular-nums}
            pre{background:#fafafa;padding:.6em;overflow-x:auto;font-size:.85em}
            figure{margin:1em 0;border:1px solid #eee;padding:.5em} figure img{max-width:100%;height:auto}
            figcaption{font-size:.85em;color:#555} .broken{color:#c62828;font-weight:bold}
            ul.files{columns:2;font-size:.85em;font-family:monospace}
            """;
    /** Marks each image as loaded or not: a broken one shows its file name in red (and browser tests can read it). */
    private static final String IMAGE_STATE = "onload=\"this.dataset.state='ok'\" "
            + "onerror=\"this.dataset.state='broken';this.insertAdjacentHTML('afterend','<span class=broken>chart missing: '"
            + "+this.getAttribute('src')+'</span>')\"";

    private final RunFolder folder;

    private ReportPage(Path directory) {
        this.folder = new RunFolder(directory);
    }

    /** Writes (or rewrites) DIR/report.html and returns its path. */
    public static Path write(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) throw new IOException(directory + ": no such folder");
        ReportPage page = new ReportPage(directory);
        Path file = directory.resolve(FILE_NAME);
        Files.writeString(file, page.html(), StandardCharsets.UTF_8);
        return file;
    }

    String html() throws IOException {
        StringBuilder html = new StringBuilder();
        String name = folder.directory.toAbsolutePath().normalize().getFileName().toString();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kvbench ")
                .append(Html.escape(folder.kind.words + ": " + name)).append("</title>\n<style>\n").append(STYLE)
                .append("</style>\n</head>\n<body>\n");
        html.append("<h1>kvbench ").append(Html.escape(folder.kind.words)).append(": ").append(Html.escape(name)).append("</h1>\n");
        describeRun().ifPresent(words -> html.append("<p class=\"what\">").append(Html.escape(words)).append("</p>\n"));
        Verdict verdict = verdict();
        html.append("<section id=\"verdict\" class=\"").append(verdict.status()).append("\">\n<h2>Verdict</h2>\n")
                .append(Html.pre(verdict.text())).append("</section>\n");
        html.append("<section id=\"summary\">\n<h2>Summary</h2>\n").append(summary()).append("</section>\n");
        html.append("<section id=\"charts\">\n<h2>Charts</h2>\n").append(charts()).append("</section>\n");
        html.append("<section id=\"parameters\">\n<h2>Parameters</h2>\n").append(parameters()).append("</section>\n");
        html.append("<section id=\"files\">\n<h2>Raw files</h2>\n").append(files()).append("</section>\n");
        html.append("<p class=\"built\">Built by <code>kvbench report</code> at ").append(Instant.now().toString(), 0, 19)
                .append(" UTC. File formats: docs/results-format.md in the kvbench checkout.</p>\n</body>\n</html>\n");
        return html.toString();
    }

    // ------------------------------------------------------------------------------------------------- what ran

    /** One line from run.json: target and setup, scenario, commit, date (the demo's: its chaos part's). */
    Optional<String> describeRun() {
        return switch (folder.kind) {
            case DEMO -> folder.json("chaos/run.json").map(run -> "3 kvnode nodes, steady open-loop writes, then "
                    + describeCampaign(run));
            case CHAOS -> folder.json("run.json").map(ReportPage::describeCampaign);
            case LOAD -> folder.json("run.json").map(ReportPage::describeLoad);
            case SWEEP -> folder.json("run.json").map(ReportPage::describeSweep);
            default -> Optional.empty();
        };
    }

    private static String describeCampaign(JsonNode run) {
        JsonNode campaign = run.path("campaign");
        String target = run.hasNonNull("targetLabel") ? run.path("targetLabel").asText()
                : run.path("target").asText("?") + ", heartbeat " + run.path("heartbeatMillis").asText("?") + " ms, election "
                + run.path("electionTimeoutMinMillis").asText("?") + "-" + run.path("electionTimeoutMaxMillis").asText("?") + " ms";
        return join(target, run.path("clusterSize").asText("?") + " nodes", campaign.path("fault").asText("fault") + " x"
                        + campaign.path("trials").asText("?"), campaign.path("loadRate").asDouble() > 0
                        ? String.format(Locale.ROOT, "%.0f writes/s offered", campaign.path("loadRate").asDouble()) : "",
                commit(campaign.path("gitSha").asText("")), date(run.path("startedAt").asText("")));
    }

    private static String describeLoad(JsonNode run) {
        JsonNode parameters = run.path("parameters");
        String mode = parameters.path("mode").asText("").equals("CLOSED_LOOP")
                ? "closed loop, " + parameters.path("inFlightLimit").asText("?") + " clients"
                : String.format(Locale.ROOT, "open loop %.0f ops/s", parameters.path("targetRatePerSecond").asDouble());
        String target = run.hasNonNull("targetLabel") ? run.path("targetLabel").asText() : run.path("target").asText("?")
                + (run.path("fsyncMode").asText("").matches("always|none") ? " (fsync " + run.path("fsyncMode").asText() + ")" : "");
        return join(target, mode, commit(run.path("gitSha").asText("")), date(run.path("startWallTime").asText("")));
    }

    private static String describeSweep(JsonNode run) {
        List<String> targets = new ArrayList<>();
        run.path("sweep").path("targets").forEach(target -> targets.add(target.asText()));
        List<String> peaks = new ArrayList<>();
        run.path("peakRates").fields().forEachRemaining(peak -> peaks.add(String.format(Locale.ROOT, "%s %,.0f ops/s",
                peak.getKey(), peak.getValue().asDouble())));
        return join(String.join(" and ", targets) + " on local 3-node clusters", "peaks " + String.join(", ", peaks),
                commit(run.path("gitSha").asText("")), date(run.path("startedAt").asText("")));
    }

    private static String commit(String sha) {
        return sha.length() >= 7 && !sha.equals("unknown") ? "commit " + sha.substring(0, 7) : "";
    }

    private static String date(String instant) {
        return instant.length() >= 16 ? instant.substring(0, 16).replace('T', ' ') + " UTC" : "";
    }

    private static String join(String... parts) {
        List<String> present = new ArrayList<>();
        for (String part : parts) if (!part.isEmpty()) present.add(part);
        return String.join(" | ", present);
    }

    // ------------------------------------------------------------------------------------------------- verdict

    /** {@code status}: pass, fail, unknown (a check that could not decide) or info (a run that judges nothing). */
    record Verdict(String status, String text) {
    }

    Verdict verdict() throws IOException {
        return switch (folder.kind) {
            case CHAOS -> campaignVerdict("verdict.txt");
            case DEMO -> demoVerdict();
            case LOAD -> loadVerdict("summary.csv");
            case SWEEP -> sweepVerdict();
            case COMPARE -> compareVerdict();
            case OTHER -> new Verdict("info", "no verdict: this folder has none of the files a kvbench run writes");
        };
    }

    private Verdict campaignVerdict(String file) throws IOException {
        if (!folder.has(file)) return new Verdict("unknown", "no " + file + ": the campaign did not finish");
        String text = folder.read(file).strip();
        String first = text.lines().findFirst().orElse("");
        return new Verdict(first.equals("PASS") ? "pass" : first.equals("FAIL") ? "fail" : "unknown", text);
    }

    private Verdict loadVerdict(String file) {
        Optional<RunFolder.Csv> summary = folder.csv(file);
        if (summary.isEmpty() || summary.get().rows().isEmpty()) return new Verdict("unknown", "no readable " + file);
        RunFolder.Csv csv = summary.get();
        List<String> row = csv.rows().get(0);
        long errors = parseLong(csv.cell(row, "errors"));
        long timeouts = parseLong(csv.cell(row, "timeouts"));
        String text = (errors + timeouts == 0 ? "PASS" : "FAIL") + ": " + errors + " errors, " + timeouts + " timeouts";
        if (csv.cell(row, "mode").equals("OPEN_LOOP")) {
            double target = parseDouble(csv.cell(row, "target_rate"));
            double achieved = parseDouble(csv.cell(row, "achieved_rate"));
            if (achieved < 0.95 * target) {
                text += String.format(Locale.ROOT, "%nsaturated: achieved %.0f of %.0f ops/s (the generator or the target could not keep up)",
                        achieved, target);
            }
        }
        return new Verdict(errors + timeouts == 0 ? "pass" : "fail", text);
    }

    private Verdict demoVerdict() throws IOException {
        Verdict chaos = campaignVerdict("chaos/verdict.txt");
        Verdict steady = loadVerdict("steady/summary.csv");
        boolean pass = chaos.status().equals("pass") && steady.status().equals("pass");
        String status = pass ? "pass" : chaos.status().equals("fail") || steady.status().equals("fail") ? "fail" : "unknown";
        return new Verdict(status, (pass ? "PASS" : status.toUpperCase(Locale.ROOT)) + "\nsteady load: " + steady.text()
                + "\nchaos: " + chaos.text());
    }

    private Verdict sweepVerdict() {
        Optional<RunFolder.Csv> sweep = folder.csv("sweep.csv");
        if (sweep.isEmpty()) return new Verdict("unknown", "no readable sweep.csv");
        RunFolder.Csv csv = sweep.get();
        long saturated = csv.rows().stream().filter(row -> csv.cell(row, "saturated").equals("true")).count();
        long errors = csv.rows().stream().mapToLong(row -> parseLong(csv.cell(row, "errors"))).sum();
        long timeouts = csv.rows().stream().mapToLong(row -> parseLong(csv.cell(row, "timeouts"))).sum();
        return new Verdict("info", csv.rows().size() + " steps measured, " + saturated + " saturated (achieved < 95 % of offered), "
                + errors + " errors, " + timeouts + " timeouts; a sweep measures, it does not pass or fail");
    }

    private Verdict compareVerdict() {
        Optional<RunFolder.Csv> compare = folder.csv("compare.csv");
        if (compare.isEmpty()) return new Verdict("unknown", "no readable compare.csv");
        RunFolder.Csv csv = compare.get();
        List<String> differences = new ArrayList<>();
        for (List<String> row : csv.rows()) {
            if (csv.cell(row, "significant").equals("true")) {
                differences.add(csv.cell(row, "metric") + " " + csv.cell(row, "delta_pct") + " % (p=" + csv.cell(row, "p_value") + ")");
            }
        }
        return new Verdict("info", differences.size() + " of " + csv.rows().size() + " metrics differ beyond the noise"
                + (differences.isEmpty() ? "" : ":\n  " + String.join("\n  ", differences)));
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double parseDouble(String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------------- sections

    private String summary() throws IOException {
        StringBuilder html = new StringBuilder();
        switch (folder.kind) {
            case DEMO -> html.append(Html.pre(folder.read("summary.txt")));
            case CHAOS -> {
                html.append(csvTable("summary.csv"));
                if (folder.has("load/summary.csv")) {
                    html.append("<h3>Load generator beside the campaign (").append(Html.link("load/summary.csv", "load/summary.csv"))
                            .append(")</h3>\n").append(csvTable("load/summary.csv"));
                }
            }
            case LOAD -> html.append(csvTable("summary.csv"));
            case SWEEP -> html.append(csvTable("sweep.csv"));
            case COMPARE -> html.append(folder.has("compare.txt") ? Html.pre(folder.read("compare.txt")) : csvTable("compare.csv"));
            case OTHER -> html.append("<p>No summary file.</p>\n");
        }
        return html.toString();
    }

    /** A CSV as a table; a one-row CSV (a load's summary.csv) turned on its side, one column a line. */
    private String csvTable(String relativePath) {
        Optional<RunFolder.Csv> csv = folder.csv(relativePath);
        if (csv.isEmpty()) return "<p>" + Html.escape(relativePath) + ": missing or not readable.</p>\n";
        RunFolder.Csv table = csv.get();
        if (table.rows().size() == 1) {
            List<List<String>> rows = new ArrayList<>();
            for (int column = 0; column < table.header().size(); column++) {
                rows.add(List.of(table.header().get(column), table.cell(table.rows().get(0), table.header().get(column))));
            }
            return Html.table(List.of("column", "value"), rows);
        }
        return Html.table(table.header(), table.rows());
    }

    private String charts() throws IOException {
        List<String> charts = folder.charts();
        if (charts.isEmpty()) return "<p>No charts in this folder (drawn with <code>kvbench plot all DIR</code>, or "
                + "<code>kvbench report --plot DIR</code>).</p>\n";
        StringBuilder html = new StringBuilder();
        for (String chart : charts) {
            String png = chart.substring(0, chart.length() - ".svg".length()) + ".png";
            html.append("<figure>\n<img src=\"").append(Html.href(chart)).append("\" alt=\"").append(Html.escape(chart)).append("\" ")
                    .append(IMAGE_STATE).append(">\n<figcaption>").append(Html.link(chart, chart));
            if (folder.has(png)) html.append(" · ").append(Html.link(png, "PNG"));
            html.append("</figcaption>\n</figure>\n");
        }
        return html.toString();
    }

    /** Every run.json of the run (its own, and its parts': a demo's steady/ and chaos/, a campaign's load/). */
    private String parameters() throws IOException {
        StringBuilder html = new StringBuilder();
        for (String file : folder.files()) {
            boolean partOfThisRun = file.equals("run.json") || file.chars().filter(c -> c == '/').count() == 1;
            if (!file.endsWith("run.json") || !partOfThisRun) continue;
            Optional<JsonNode> run = folder.json(file);
            html.append("<h3>").append(Html.link(file, file)).append("</h3>\n");
            if (run.isEmpty()) {
                html.append("<p>not readable as JSON</p>\n");
                continue;
            }
            List<List<String>> rows = new ArrayList<>();
            flatten("", run.get(), rows);
            html.append(Html.table(List.of("parameter", "value"), rows));
        }
        return html.length() == 0 ? "<p>No run.json.</p>\n" : html.toString();
    }

    /** Nested objects as dotted keys; arrays of objects as compact JSON (a node audit, the checkers). */
    private static void flatten(String prefix, JsonNode node, List<List<String>> rows) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            if (!fields.hasNext() && !prefix.isEmpty()) rows.add(List.of(prefix, "{}"));
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), rows);
            }
        } else {
            rows.add(List.of(prefix, node.isValueNode() ? node.asText() : node.toString()));
        }
    }

    private String files() throws IOException {
        List<String> files = folder.files();
        StringBuilder html = new StringBuilder("<ul class=\"files\">\n");
        for (String file : files.subList(0, Math.min(files.size(), RunFolder.MAX_LISTED_FILES))) {
            html.append("<li>").append(Html.link(file, file)).append(" (").append(Html.escape(size(folder.size(file))))
                    .append(")</li>\n");
        }
        html.append("</ul>\n");
        if (files.size() > RunFolder.MAX_LISTED_FILES) {
            html.append("<p>and ").append(files.size() - RunFolder.MAX_LISTED_FILES).append(" more files in the folder.</p>\n");
        }
        return html.toString();
    }

    private static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
