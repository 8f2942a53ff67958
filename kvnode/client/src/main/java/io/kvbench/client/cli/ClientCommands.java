package io.kvbench.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The client's command-line subcommands: {@code put}, {@code get}, {@code delete}, {@code cas},
 * {@code status}. Exit codes: 0 ok, 1 failed operation, 2 bad usage. The kvbench command mounts them as
 * {@code kvbench client}; {@link #commandLine()} is the standalone form, whose usage errors are one line on stderr.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Talks to a kvnode cluster: reads, writes and node status.",
        subcommands = {PutCommand.class, GetCommand.class, DeleteCommand.class, CasCommand.class, StatusCommand.class})
public final class ClientCommands implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A standalone command line: a usage error prints one line (and a hint) on stderr and exits 2. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ClientCommands());
        commandLine.setParameterExceptionHandler((error, args) -> {
            CommandLine failed = error.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + error.getMessage()
                    + " (see --help)");
            failed.getErr().flush();
            return CommandLine.ExitCode.USAGE;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** {@code client} alone is a usage error: a subcommand is required. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: put, get, delete, cas or status");
    }
}
