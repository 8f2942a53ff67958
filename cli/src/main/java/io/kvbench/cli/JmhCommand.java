package io.kvbench.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kvbench jmh}: the JMH benchmarks (bench/target/benchmarks.jar), JSON results under results/jmh/. */
@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = {"Run JMH benchmarks (codec, WAL, core step, client round trip).",
                "Extra arguments go to JMH, e.g. `kvbench jmh -- Codec -f 1 -wi 2 -i 3`."})
public final class JmhCommand implements Callable<Integer> {
    @Option(names = "--out", description = "JSON result file (default: results/jmh/jmh-<time>.json).")
    Path output;

    @Parameters(arity = "0..*", description = "Arguments passed to JMH (benchmark regex and options).")
    List<String> jmhArguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path jar = Home.directory().resolve("bench/target/benchmarks.jar");
        if (!Files.exists(jar)) throw new UsageException(jar + " is missing; build with `mvn -pl bench -am package -DskipTests`");
        Path result = output != null ? output : Home.directory().resolve("results/jmh/jmh-" + System.currentTimeMillis() + ".json");
        Files.createDirectories(result.toAbsolutePath().getParent());
        List<String> command = new ArrayList<>(List.of(Home.javaCommand().get(0), "-jar", jar.toString(), "-rf", "json", "-rff", result.toString()));
        command.addAll(jmhArguments);
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit == 0) System.out.println("results: " + result);
        return exit == 0 ? KvbenchMain.EXIT_OK : KvbenchMain.EXIT_CHECK_FAILED;
    }
}
