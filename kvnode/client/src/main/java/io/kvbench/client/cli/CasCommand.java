package io.kvbench.client.cli;

import io.kvbench.client.KvClient;
import io.kvbench.kv.KvResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "cas", mixinStandardHelpOptions = true,
        customSynopsis = {"cas [--absent] --nodes=HOST:PORT[,HOST:PORT...] [--timeout-ms=MILLIS] KEY (EXPECTED NEW | --absent NEW)"},
        description = {
                "Compare-and-set: sets KEY to NEW only if it holds EXPECTED (or, with --absent, only if it has no value).",
                "Prints OK when swapped. Exit 0 when swapped; 1 when the comparison failed (stderr shows the current "
                        + "value) or the operation failed; 2 on bad usage."})
public final class CasCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--absent", description = "Swap only if KEY has no value; then give only KEY and NEW.")
    boolean absent;

    @Parameters(paramLabel = "KEY [EXPECTED] NEW", arity = "2..3", hideParamSyntax = true,
            description = "The key, the expected value (omitted with --absent) and the new value, as UTF-8.")
    List<String> arguments;

    @Override
    public Integer call() {
        int wanted = absent ? 2 : 3;
        if (arguments.size() != wanted) {
            throw new ParameterException(spec.commandLine(), absent
                    ? "with --absent give KEY NEW (got " + arguments.size() + " arguments)"
                    : "give KEY EXPECTED NEW, or --absent KEY NEW (got " + arguments.size() + " arguments)");
        }
        String key = ClientCommandRunner.requireKey(spec, arguments.get(0));
        byte[] expected = absent ? null : utf8(arguments.get(1));
        byte[] newValue = utf8(arguments.get(wanted - 1));
        return ClientCommandRunner.run(spec, cluster, true, (client, out, err) -> {
            KvResult.CasResult result = KvClient.await(client.compareAndSet(key, expected, newValue));
            if (result.swapped()) {
                out.println("OK");
                return ClientCommandRunner.EXIT_OK;
            }
            byte[] current = result.currentValue();
            err.println(spec.qualifiedName() + ": not swapped; key '" + key + "' "
                    + (current == null ? "is absent" : "holds '" + new String(current, StandardCharsets.UTF_8) + "'"));
            return ClientCommandRunner.EXIT_FAILED;
        });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
