package io.kvbench.client.cli;

import io.kvbench.client.KvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "put", mixinStandardHelpOptions = true, description = {
        "Sets KEY to VALUE (UTF-8) and prints OK.",
        "Exit 0 when applied; 1 on failure (on a timeout the write may or may not have been applied); 2 on bad usage."})
public final class PutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value, stored as its UTF-8 bytes.")
    String value;

    @Override
    public Integer call() {
        ClientCommandRunner.requireKey(spec, key);
        return ClientCommandRunner.run(spec, cluster, true, (client, out, err) -> {
            KvClient.await(client.put(key, value.getBytes(StandardCharsets.UTF_8)));
            out.println("OK");
            return ClientCommandRunner.EXIT_OK;
        });
    }
}
