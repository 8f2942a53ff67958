package io.kvbench.client.cli;

import io.kvbench.client.KvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "get", mixinStandardHelpOptions = true, description = {
        "Prints KEY's value (as UTF-8) from a linearizable read on the leader.",
        "Exit 0 when the key is present; 1 when it is absent (a line on stderr says so) or the read failed; 2 on bad usage."})
public final class GetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
    String key;

    @Override
    public Integer call() {
        ClientCommandRunner.requireKey(spec, key);
        return ClientCommandRunner.run(spec, cluster, false, (client, out, err) -> {
            byte[] value = KvClient.await(client.get(key)).value();
            if (value == null) {
                err.println(spec.qualifiedName() + ": key '" + key + "' is absent");
                return ClientCommandRunner.EXIT_FAILED;
            }
            out.println(new String(value, StandardCharsets.UTF_8));
            return ClientCommandRunner.EXIT_OK;
        });
    }
}
