package io.kvbench.client.cli;

import io.kvbench.client.KvClient;
import io.kvbench.client.KvException;
import io.kvbench.net.NodeAddresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Prints each node's status JSON, one line per node (or only --node's).",
        "Exit 0 when every node answered; 1 when one did not (a line on stderr names it); 2 on bad usage."})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--node", paramLabel = "HOST:PORT", converter = ClusterOptions.NodeAddressConverter.class,
            description = "Ask only this node (need not be in --nodes).")
    InetSocketAddress node;

    @Override
    public Integer call() {
        List<InetSocketAddress> asked = node != null ? List.of(node) : cluster.nodes;
        return ClientCommandRunner.run(spec, cluster, false, (client, out, err) -> {
            int exitCode = ClientCommandRunner.EXIT_OK;
            for (InetSocketAddress address : asked) {
                try {
                    out.println(KvClient.await(client.status(address)));
                } catch (KvException e) {
                    err.println(spec.qualifiedName() + ": " + NodeAddresses.format(address) + ": " + e.getMessage());
                    exitCode = ClientCommandRunner.EXIT_FAILED;
                }
            }
            return exitCode;
        });
    }
}
