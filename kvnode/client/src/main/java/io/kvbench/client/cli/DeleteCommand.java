package io.kvbench.client.cli;

import io.kvbench.client.KvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "delete", mixinStandardHelpOptions = true, description = {
        "Removes KEY and prints OK (also when it was already absent).",
        "Exit 0 when applied; 1 on failure (on a timeout the delete may or may not have been applied); 2 on bad usage."})
public final class DeleteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
    String key;

    @Override
    public Integer call() {
        ClientCommandRunner.requireKey(spec, key);
        return ClientCommandRunner.run(spec, cluster, true, (client, out, err) -> {
            KvClient.await(client.delete(key));
            out.println("OK");
            return ClientCommandRunner.EXIT_OK;
        });
    }
}
