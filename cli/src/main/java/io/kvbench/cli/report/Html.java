package io.kvbench.cli.report;

import java.util.List;

/** The few HTML pieces the report page is made of, every text escaped. */
final class Html {
    private Html() {
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /** A relative link target: each path segment percent-encoded where it must be, '/' kept. */
    static String href(String relativePath) {
        StringBuilder encoded = new StringBuilder();
        for (char c : relativePath.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128 || "/-_.~".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    encoded.append('%').append(String.format(java.util.Locale.ROOT, "%02X", b & 0xff));
                }
            }
        }
        return escape(encoded.toString());
    }

    static String link(String relativePath, String text) {
        return "<a href=\"" + href(relativePath) + "\">" + escape(text) + "</a>";
    }

    static String pre(String text) {
        return "<pre>" + escape(text) + "</pre>\n";
    }

    /** A table with a header row; cells are escaped text. */
    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder table = new StringBuilder("<table>\n<thead><tr>");
        for (String cell : header) table.append("<th>").append(escape(cell)).append("</th>");
        table.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            table.append("<tr>");
            for (String cell : row) table.append("<td>").append(escape(cell)).append("</td>");
            table.append("</tr>\n");
        }
        return table.append("</tbody>\n</table>\n").toString();
    }
}
