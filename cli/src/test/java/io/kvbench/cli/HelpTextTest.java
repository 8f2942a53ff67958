package io.kvbench.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command's help starts with a whole sentence, and every option and parameter says what it is for (not
 * only its default): a new user reads --help, not the source.
 */
class HelpTextTest {

    @Test
    void everyCommandsFirstHelpLineIsAWholeSentence() {
        List<String> problems = new ArrayList<>();
        for (CommandSpec command : allCommands()) {
            String[] description = command.usageMessage().description();
            String first = description.length == 0 ? "" : description[0].strip();
            if (first.isEmpty() || !Character.isUpperCase(first.charAt(0)) || !first.endsWith(".")) {
                problems.add(command.qualifiedName() + ": '" + first + "'");
            }
        }
        assertThat(problems).as("first help lines that are not a whole sentence (capital first, full stop last)").isEmpty();
    }

    @Test
    void everyOptionAndParameterHasADescription() {
        List<String> problems = new ArrayList<>();
        for (CommandSpec command : allCommands()) {
            List<ArgSpec> arguments = new ArrayList<>(command.options());
            arguments.addAll(command.positionalParameters());
            for (ArgSpec argument : arguments) {
                if (argument instanceof OptionSpec option && option.usageHelp() || argument instanceof OptionSpec version && version.versionHelp()) {
                    continue;
                }
                String text = String.join(" ", argument.description()).strip();
                String withoutDefault = text.replaceAll("\\(default: [^)]*\\)\\.?", "").replaceAll("[\\s.;,]", "");
                if (withoutDefault.isEmpty()) {
                    problems.add(command.qualifiedName() + " " + name(argument) + ": '" + text + "'");
                }
            }
        }
        assertThat(problems).as("options and parameters without a description").isEmpty();
    }

    /**
     * picocli formats help texts as format strings: a lone '%' (sweep's "from 10 % to 100 %") makes it print a
     * warning on stderr and show the raw text. Every command's whole help must render without one.
     */
    @Test
    void everyHelpTextRendersWithoutAFormatWarning() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            for (CommandSpec command : allCommands()) {
                err.reset();
                command.commandLine().getUsageMessage();
                if (err.size() > 0) problems.add(command.qualifiedName() + ": " + err.toString(StandardCharsets.UTF_8).strip());
            }
        } finally {
            System.setErr(originalErr);
        }
        assertThat(problems).as("help texts picocli could not format").isEmpty();
    }

    private static String name(ArgSpec argument) {
        return argument instanceof OptionSpec option ? option.longestName() : argument.paramLabel();
    }

    static List<CommandSpec> allCommands() {
        List<CommandSpec> commands = new ArrayList<>();
        collect(KvbenchMain.commandLine(), commands);
        return commands;
    }

    private static void collect(CommandLine commandLine, List<CommandSpec> commands) {
        commands.add(commandLine.getCommandSpec());
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            if (!commands.contains(sub.getCommandSpec())) collect(sub, commands);
        }
    }
}
