package io.kvbench.node;

import io.kvbench.net.OptionRange;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks every option's value against its {@link OptionRange} before a command runs, for every command line of the
 * project ({@code kvnode}, {@code kvbench} and the commands it mounts): a value outside is a {@link ParameterException}
 * (one line naming the option and its range, exit 2), before the command has created a folder or started a process.
 * {@link #executionStrategy} wraps picocli's own; {@link #rangeOf} lets a test walk every option.
 */
public final class OptionRanges {
    private OptionRanges() {
    }

    /** Help and version requests are answered as usual; otherwise every range is checked, then {@code next} runs. */
    public static CommandLine.IExecutionStrategy executionStrategy(CommandLine.IExecutionStrategy next) {
        return parseResult -> {
            Integer helpExitCode = CommandLine.executeHelpRequest(parseResult);
            if (helpExitCode != null) return helpExitCode;
            check(parseResult);
            return next.execute(parseResult);
        };
    }

    /** Checks the options of the command and of each subcommand the arguments name. */
    public static void check(ParseResult parseResult) {
        for (ParseResult command = parseResult; command != null; command = command.subcommand()) {
            CommandLine commandLine = command.commandSpec().commandLine();
            for (OptionSpec option : command.commandSpec().options()) {
                Optional<OptionRange> range = rangeOf(option);
                if (range.isEmpty()) continue;
                Object value = option.getValue();
                if (value instanceof Collection<?> values) {
                    for (Object element : values) requireInRange(commandLine, option, range.get(), element);
                } else {
                    requireInRange(commandLine, option, range.get(), value);
                }
            }
        }
    }

    /** The range declared on the option's field, if any. */
    public static Optional<OptionRange> rangeOf(OptionSpec option) {
        return option.userObject() instanceof Field field ? Optional.ofNullable(field.getAnnotation(OptionRange.class))
                : Optional.empty();
    }

    /** The words of the range: "at least 1", "from 0.1 to 2", "above 0 and at most 1". */
    public static String describe(OptionRange range) {
        String low = (range.minExclusive() ? "above " : "at least ") + number(range.min());
        String text;
        if (Double.isInfinite(range.max())) {
            text = low;
        } else if (range.minExclusive()) {
            text = low + " and at most " + number(range.max());
        } else {
            text = "from " + number(range.min()) + " to " + number(range.max());
        }
        return range.why().isEmpty() ? text : text + " (" + range.why() + ")";
    }

    private static void requireInRange(CommandLine commandLine, OptionSpec option, OptionRange range, Object value) {
        if (!(value instanceof Number number)) return; // unset (a default of null): nothing to check
        double x = number.doubleValue();
        boolean above = range.minExclusive() ? x > range.min() : x >= range.min();
        if (above && x <= range.max()) return; // NaN fails both comparisons
        throw new ParameterException(commandLine, option.longestName() + " must be " + describe(range) + ", not "
                + (number instanceof Double || number instanceof Float ? number(x) : number.toString()));
    }

    private static String number(double value) {
        if (Double.isNaN(value)) return "NaN";
        if (Double.isInfinite(value)) return value > 0 ? "infinity" : "-infinity";
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        return String.format(Locale.ROOT, "%s", value);
    }
}
