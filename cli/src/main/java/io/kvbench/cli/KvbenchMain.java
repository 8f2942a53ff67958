package io.kvbench.cli;

import io.kvbench.node.KvNodeMain;
import io.kvbench.node.OptionRanges;
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
        return commandLine(new CommandLine.RunLast());
    }

    /**
     * The command tree; {@code run} runs the parsed command once every option's range was checked ({@link
     * OptionRanges}): a test passes one that runs nothing.
     */
    static CommandLine commandLine(CommandLine.IExecutionStrategy run) {
        CommandLine commandLine = new CommandLine(new KvbenchMain());
        // Named for where it is mounted, so its usage and errors say "kvbench node", not its own name "run".
        commandLine.addSubcommand("node", new CommandLine(new KvNodeMain()).setCommandName("node"));
        commandLine.addSubcommand("node-rebuild", new CommandLine(new io.kvbench.node.RebuildCommand(new MemberStatusesOverClient())).setCommandName("node-rebuild"));
        commandLine.addSubcommand("compare", new io.kvbench.cli.compare.CompareCommand());
        commandLine.addSubcommand("release", new io.kvbench.cli.release.ReleaseCommand());
        commandLine.addSubcommand("history", new io.kvbench.cli.release.HistoryCommand());
        commandLine.addSubcommand("client", new io.kvbench.client.cli.ClientCommands());
        commandLine.setExecutionStrategy(OptionRanges.executionStrategy(run));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof UsageException) {
                cmd.getErr().println("kvbench: " + oneLine(e));
                return EXIT_USAGE;
            }
            cmd.getErr().println("kvbench: " + oneLine(e));
            if (System.getenv("KVBENCH_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return EXIT_CHECK_FAILED;
        });
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("kvbench: " + oneLine(e) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        return commandLine;
    }

    /**
     * An error as one line without Java class names: the message's first line (a longer message, say a log's tail,
     * is for KVBENCH_DEBUG); a failure without a message is a bug, and says so.
     */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "internal error (a bug; KVBENCH_DEBUG=1 prints its stack trace)";
        }
        String first = message.strip().lines().findFirst().orElse("");
        return first.endsWith(":") ? first.substring(0, first.length() - 1) : first;
    }

    public static void main(String[] args) {
        // Library INFO lines (transport choice, connections) are noise on a terminal; KVBENCH_DEBUG shows them.
        if (System.getenv("KVBENCH_DEBUG") == null && System.getProperty("java.util.logging.config.file") == null) {
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        }
        System.exit(commandLine().execute(args));
    }
}
