package io.kvbench.cli;

import io.kvbench.node.KvNodeMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command users type. Exit codes: 0 ok, 1 a check failed, 2 bad usage. Errors are one line on stderr.
 */
@Command(name = "kvbench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"A replicated key-value store built to be measured, and the suite that measures it.",
                "Run `kvbench demo` for a first look, `kvbench COMMAND --help` for each command."},
        subcommands = {DemoCommand.class, ClusterCommand.class, LoadCommand.class, ChaosCommand.class, FloorCommand.class,
                JmhCommand.class, PlotCommand.class, ReportCommand.class, SweepCommand.class, GateCommand.class, CompletionCommand.class})
public final class KvbenchMain {
    public static final int EXIT_OK = 0;
    public static final int EXIT_CHECK_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new KvbenchMain());
        commandLine.addSubcommand("node", new KvNodeMain());
        commandLine.addSubcommand("node-rebuild", new CommandLine(new io.kvbench.node.RebuildCommand(new MemberStatusesOverClient())).setCommandName("node-rebuild"));
        commandLine.addSubcommand("compare", new io.kvbench.cli.compare.CompareCommand());
        commandLine.addSubcommand("release", new io.kvbench.cli.release.ReleaseCommand());
        commandLine.addSubcommand("history", new io.kvbench.cli.release.HistoryCommand());
        commandLine.addSubcommand("client", new io.kvbench.client.cli.ClientCommands());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof UsageException) {
                cmd.getErr().println("kvbench: " + e.getMessage());
                return EXIT_USAGE;
            }
            cmd.getErr().println("kvbench: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (System.getenv("KVBENCH_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return EXIT_CHECK_FAILED;
        });
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("kvbench: " + e.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        // Library INFO lines (transport choice, connections) are noise on a terminal; KVBENCH_DEBUG shows them.
        if (System.getenv("KVBENCH_DEBUG") == null && System.getProperty("java.util.logging.config.file") == null) {
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        }
        System.exit(commandLine().execute(args));
    }
}
