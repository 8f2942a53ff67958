package io.kvbench.client.cli;

import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import io.kvbench.client.KvException;
import io.kvbench.kv.KvLimits;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one client subcommand: opens a client, runs the body, closes the client, and turns a failed
 * operation into one line on stderr and exit code 1.
 */
final class ClientCommandRunner {
    /** Held so the levels stick (JUL keeps loggers weakly). */
    private static final Logger NET_LOGGER = Logger.getLogger("io.kvbench.net");
    private static final Logger NETTY_LOGGER = Logger.getLogger("io.netty");

    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;

    @FunctionalInterface
    interface Body {
        int run(KvClient client, PrintWriter out, PrintWriter err);
    }

    private ClientCommandRunner() {}

    /**
     * A usage error (exit 2, one line) for a KEY the store would not take, before anything is sent: an empty key (issue
     * 20, finding 7: {@code client put "" v} was accepted), or one over the key limit.
     */
    static String requireKey(CommandSpec spec, String key) {
        if (key.isEmpty()) throw new ParameterException(spec.commandLine(), "KEY must not be empty");
        try {
            KvLimits.keyBytes(key);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "KEY: " + e.getMessage());
        }
        return key;
    }

    /** @param needsSession writes need a registered session (§6.3); reads and status do not */
    static int run(CommandSpec spec, ClusterOptions cluster, boolean needsSession, Body body) {
        // The transport's INFO lines ("using native epoll") would bury the one line a user wants to read.
        NET_LOGGER.setLevel(Level.SEVERE);
        NETTY_LOGGER.setLevel(Level.SEVERE);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String command = spec.qualifiedName();
        KvClientOptions options = cluster.clientOptions();
        try {
            KvClient client = needsSession
                    ? KvClient.await(KvClient.connect(cluster.nodes, options))
                    : KvClient.create(cluster.nodes, options);
            try (client) {
                return body.run(client, out, err);
            }
        } catch (KvException | IllegalArgumentException e) {
            err.println(command + ": " + e.getMessage());
            return EXIT_FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
