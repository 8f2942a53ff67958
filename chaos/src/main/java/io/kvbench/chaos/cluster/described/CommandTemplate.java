package io.kvbench.chaos.cluster.described;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A command with placeholders: {@code {name}} is replaced by the value of {@code name}, inserted as it is (not
 * shell-quoted: the template decides the quoting, which differs between a local command and one inside
 * {@code ssh host '...'}). Shell syntax stays untouched: {@code ${VAR}} is the shell's (a placeholder never follows
 * {@code $}), braces around anything but a bare name ({@code { a; b; }}, {@code {1..3}}) are literal, and a literal
 * {@code {name}}, as in {@code awk '{print}'}, is written {@code {{name}}}.
 */
public final class CommandTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");
    private static final Pattern TOKEN = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9_]*)}}|(?<!\\$)\\{([A-Za-z][A-Za-z0-9_]*)}");

    private final String text;
    private final Set<String> placeholders;

    private CommandTemplate(String text, Set<String> placeholders) {
        this.text = text;
        this.placeholders = Set.copyOf(placeholders);
    }

    public static CommandTemplate parse(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = TOKEN.matcher(text);
        while (matcher.find()) {
            if (matcher.group(2) != null) names.add(matcher.group(2));
        }
        return new CommandTemplate(text, names);
    }

    /** Text that renders to itself: every {@code {name}} in it doubled to {@code {{name}}}. */
    public static String escape(String literal) {
        return PLACEHOLDER.matcher(literal).replaceAll("{{$1}}");
    }

    /** The template as written. */
    public String text() {
        return text;
    }

    /** The names the template uses. */
    public Set<String> placeholders() {
        return placeholders;
    }

    /** The command with every placeholder replaced; throws IllegalArgumentException naming a placeholder with no value. */
    public String render(Map<String, String> values) {
        Matcher matcher = TOKEN.matcher(text);
        StringBuilder rendered = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group(1) != null) {
                replacement = "{" + matcher.group(1) + "}";
            } else {
                replacement = values.get(matcher.group(2));
                if (replacement == null) throw new IllegalArgumentException("no value for {" + matcher.group(2) + "}");
            }
            matcher.appendReplacement(rendered, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(rendered);
        return rendered.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
