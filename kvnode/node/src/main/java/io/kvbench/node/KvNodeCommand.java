package io.kvbench.node;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kvnode}: run a node, or talk to a cluster as a client. Exit codes: 0 ok, 1 failed, 2 bad usage. */
@Command(name = "kvnode", mixinStandardHelpOptions = true, version = "kvnode 0.11",
        description = "A replicated key-value store node (Raft) and its client commands.",
        subcommands = {KvNodeMain.class, RebuildCommand.class})
public final class KvNodeCommand {
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new KvNodeCommand());
        // `kvnode put|get|delete|cas|status --nodes ...`: the client commands beside `kvnode run`.
        io.kvbench.client.cli.ClientCommands.subcommands().forEach(commandLine::addSubcommand);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("kvnode: " + e.getMessage());
                return 2;
            }
            cmd.getErr().println("kvnode: " + e);
            return 1;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
