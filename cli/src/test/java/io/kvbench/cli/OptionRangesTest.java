package io.kvbench.cli;

import io.kvbench.net.OptionRange;
import io.kvbench.node.OptionRanges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20, finding 7: {@code chaos --interval-ms -1}, {@code --downtime-ms -1} and {@code --writers -1} were
 * accepted (run.json recorded -1), {@code load --value-size 5000000} ran every operation into the node's 1 MiB limit.
 * Walks every numeric option of every command (as {@link HelpTextTest} walks their help): each declares its range
 * ({@link OptionRange}), and each value outside it, on either side, NaN and infinity for fractional ones, is refused
 * before the command runs: exit 2, one line naming the option, no Java class name.
 */
class OptionRangesTest {
    /** A qualified Java class name, or a Throwable's simple name: what a user must never have to read. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[a-z]+(\\.[a-z0-9_]+)+\\.[A-Z]\\w*|\\w+(Exception|Error)\\b");

    @TempDir
    Path directory;

    /** One command of the tree, with the words that reach it from {@code kvbench}. */
    private record Command(List<String> path, CommandLine commandLine) {
        String name() {
            return "kvbench " + String.join(" ", path);
        }
    }

    @Test
    void everyNumericOptionDeclaresItsRange() {
        List<String> undeclared = new ArrayList<>();
        for (Command command : commands()) {
            for (OptionSpec option : command.commandLine().getCommandSpec().options()) {
                if (isNumeric(option) && OptionRanges.rangeOf(option).isEmpty()) undeclared.add(command.name() + " " + option.longestName());
            }
        }
        assertThat(undeclared).as("numeric options without an @OptionRange").isEmpty();
    }

    @Test
    void everyValueOutsideARangeIsAOneLineUsageErrorBeforeTheCommandRuns() {
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (Command command : commands()) {
            for (OptionSpec option : command.commandLine().getCommandSpec().options()) {
                Optional<OptionRange> range = OptionRanges.rangeOf(option);
                if (range.isEmpty()) continue;
                for (String value : valuesOutside(option, range.get())) {
                    List<String> arguments = new ArrayList<>(command.path());
                    arguments.addAll(requiredArguments(command, option));
                    arguments.add(option.longestName());
                    arguments.add(value);
                    Run run = runWithoutExecuting(arguments);
                    checked++;
                    String line = run.err().strip();
                    if (run.exitCode() != KvbenchMain.EXIT_USAGE || line.lines().count() != 1 || !line.contains(option.longestName())
                            || !line.contains("must be") || CLASS_NAME.matcher(line).find() || run.executed()) {
                        problems.add(command.name() + " " + option.longestName() + " " + value + ": exit " + run.exitCode()
                                + (run.executed() ? ", executed" : "") + ", stderr: " + run.err());
                    }
                }
            }
        }
        assertThat(problems).as("out-of-range values not refused in one line").isEmpty();
        assertThat(checked).as("values tried").isGreaterThan(100);
    }

    @Test
    void theDefaultsAreInsideTheirRanges() {
        List<String> problems = new ArrayList<>();
        for (Command command : commands()) {
            List<String> arguments = new ArrayList<>(command.path());
            arguments.addAll(requiredArguments(command, null));
            Run run = runWithoutExecuting(arguments);
            if (!run.executed()) problems.add(command.name() + ": exit " + run.exitCode() + ", stderr: " + run.err());
        }
        assertThat(problems).as("commands whose defaults (and the required arguments given) did not reach the command").isEmpty();
    }

    /** The issue's lines, through the real command line: refused, and no result folder is left behind. */
    @Test
    void theIssuesExamplesAreRefusedAndLeaveNoFolder() {
        Path out = directory.resolve("run");
        // Were the check gone, these would fail fast too (a missing cluster file, an unreachable node), not run.
        String missingClusterFile = directory.resolve("missing.json").toString();
        for (List<String> arguments : List.of(
                List.of("chaos", "--interval-ms", "-1", "--out", out.toString(), "--cluster-file", missingClusterFile),
                List.of("chaos", "--downtime-ms", "-1", "--out", out.toString(), "--cluster-file", missingClusterFile),
                List.of("chaos", "--writers", "-1", "--out", out.toString(), "--cluster-file", missingClusterFile),
                List.of("chaos", "--op-timeout-ms", "0", "--out", out.toString(), "--cluster-file", missingClusterFile),
                List.of("load", "--value-size", "5000000", "--out", out.toString(), "--nodes", "127.0.0.1:1", "--no-floor",
                        "--duration-s", "1", "--warmup-s", "0", "--timeout-ms", "100"))) {
            CommandLine commandLine = KvbenchMain.commandLine();
            StringWriter err = new StringWriter();
            commandLine.setErr(new PrintWriter(err));
            assertThat(commandLine.execute(arguments.toArray(String[]::new))).as("%s", arguments).isEqualTo(KvbenchMain.EXIT_USAGE);
            assertThat(err.toString().strip()).as("%s", arguments).hasLineCount(1).startsWith("kvbench: " + arguments.get(1) + " must be");
            assertThat(out).as("%s", arguments).doesNotExist();
        }
        CommandLine load = KvbenchMain.commandLine();
        StringWriter err = new StringWriter();
        load.setErr(new PrintWriter(err));
        load.execute("load", "--value-size", "5000000", "--nodes", "127.0.0.1:1", "--no-floor", "--timeout-ms", "100", "--out",
                out.toString());
        assertThat(err.toString().strip()).isEqualTo("kvbench: --value-size must be from 0 to 1048576 (the node's value limit, 1 MiB),"
                + " not 5000000 (see 'kvbench load --help')");
    }

    private record Run(int exitCode, String err, boolean executed) {
    }

    /** Parses and checks as the real command line does, but runs nothing: a command reached only counts. */
    private static Run runWithoutExecuting(List<String> arguments) {
        AtomicInteger executed = new AtomicInteger();
        CommandLine commandLine = KvbenchMain.commandLine(parseResult -> {
            executed.incrementAndGet();
            return 0;
        });
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        commandLine.setOut(new PrintWriter(out));
        int exitCode = commandLine.execute(arguments.toArray(String[]::new));
        return new Run(exitCode, err.toString(), executed.get() > 0);
    }

    private static List<Command> commands() {
        List<Command> commands = new ArrayList<>();
        collect(List.of(), KvbenchMain.commandLine(), commands);
        return commands;
    }

    private static void collect(List<String> path, CommandLine commandLine, List<Command> commands) {
        if (!path.isEmpty()) commands.add(new Command(path, commandLine));
        for (Map.Entry<String, CommandLine> sub : commandLine.getSubcommands().entrySet()) {
            if (commands.stream().anyMatch(known -> known.commandLine().getCommandSpec() == sub.getValue().getCommandSpec())) continue;
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getKey());
            collect(subPath, sub.getValue(), commands);
        }
    }

    /** Valid values for the command's required options and parameters, but for {@code tested}, which the test adds. */
    private List<String> requiredArguments(Command command, OptionSpec tested) {
        List<String> arguments = new ArrayList<>();
        for (OptionSpec option : command.commandLine().getCommandSpec().options()) {
            if (option.required() && option != tested) {
                arguments.add(option.longestName());
                arguments.add(validValue(option));
            }
        }
        for (PositionalParamSpec parameter : command.commandLine().getCommandSpec().positionalParameters()) {
            if (parameter.arity().min > 0) {
                for (int i = 0; i < parameter.arity().min; i++) arguments.add(validValue(parameter));
            }
        }
        return arguments;
    }

    private String validValue(ArgSpec argument) {
        Class<?> type = argument.type();
        Class<?>[] elements = argument.auxiliaryTypes();
        if (type == Map.class) return "1=127.0.0.1:7001";
        if (type == List.class && elements.length > 0 && elements[0] == InetSocketAddress.class) return "127.0.0.1:7001";
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "1";
        if (type == Path.class) return directory.resolve("argument").toString();
        if (argument instanceof PositionalParamSpec positional && positional.paramLabel().equals("ACTION")) return "start";
        return "x";
    }

    private static boolean isNumeric(OptionSpec option) {
        Class<?> type = option.type();
        if (type == List.class && option.auxiliaryTypes().length > 0) type = option.auxiliaryTypes()[0];
        return type.isPrimitive() && type != boolean.class || Number.class.isAssignableFrom(type);
    }

    /** Values outside the range, on each side the option's type can express, as command-line text. */
    private static List<String> valuesOutside(OptionSpec option, OptionRange range) {
        Class<?> type = option.type();
        if (type == List.class && option.auxiliaryTypes().length > 0) type = option.auxiliaryTypes()[0];
        boolean isInt = type == int.class || type == Integer.class;
        boolean isLong = type == long.class || type == Long.class;
        List<String> outside = new ArrayList<>();
        if (isInt || isLong) {
            long typeMin = isInt ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long typeMax = isInt ? Integer.MAX_VALUE : Long.MAX_VALUE;
            if (range.min() > typeMin) outside.add(Long.toString((long) range.min() - (range.minExclusive() ? 0 : 1)));
            if (range.max() < typeMax) outside.add(Long.toString((long) range.max() + 1));
            return outside;
        }
        outside.add(range.minExclusive() ? Double.toString(range.min()) : Double.toString(range.min() - Math.max(1, Math.abs(range.min()))));
        if (!Double.isInfinite(range.max())) {
            outside.add(Double.toString(range.max() + Math.max(1, Math.abs(range.max()))));
            outside.add("Infinity");
        }
        outside.add("NaN");
        return outside;
    }

    @Test
    void aValueInsideItsRangeIsAccepted() throws Exception {
        Files.createDirectories(directory);
        assertThat(runWithoutExecuting(List.of("chaos", "--interval-ms", "0", "--writers", "1", "--op-timeout-ms", "50")).executed()).isTrue();
        assertThat(runWithoutExecuting(List.of("load", "--value-size", "1048576", "--theta", "0.5", "--mix", "10,80,10")).executed()).isTrue();
        assertThat(runWithoutExecuting(List.of("chaos", "--probe-interval-ms", "0.1")).executed()).isTrue();
    }
}
