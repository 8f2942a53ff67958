package io.kvbench.node;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kvnode run}: the node's process entry point, which local clusters start with {@code java -cp ...
 * io.kvbench.node.KvNodeCommand run ...}. Exit codes: 0 ok, 1 failed, 2 bad usage. Talking to a cluster as a client
 * is {@code kvbench client} (the kvbench command composes both, so this module needs no client).
 */
@Command(name = "kvnode", mixinStandardHelpOptions = true, version = "kvnode 0.11",
        description = {"A replicated key-value store node (Raft).",
                "Client commands (put, get, delete, cas, status) are `kvbench client`."},
        subcommands = {KvNodeMain.class})
public final class KvNodeCommand {
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new KvNodeCommand());
        commandLine.setExecutionStrategy(OptionRanges.executionStrategy(new CommandLine.RunLast()));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("kvnode: " + e.getMessage());
                return 2;
            }
            // The message only: "kvnode: java.io.IOException: No space left on device" named a class, not the file.
            cmd.getErr().println("kvnode: " + (e.getMessage() != null ? e.getMessage() : "internal error (a bug)"));
            return 1;
        });
        commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("kvnode: " + e.getMessage() + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
