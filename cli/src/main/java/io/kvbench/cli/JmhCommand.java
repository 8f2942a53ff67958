package io.kvbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kvbench.node.local.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code kvbench jmh}: the JMH benchmarks (bench/target/benchmarks.jar), JSON results under
 * {@code results/<version>/jmh/<time>/jmh.json} beside a run.json naming the commit, so {@code kvbench compare}
 * reads two versions' JMH results like any other runs.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = {"Run JMH benchmarks (codec, WAL, core step, client round trip).",
                "Results: results/<version>/jmh/<time>/jmh.json (and run.json); compare two versions with "
                        + "`kvbench compare results/A/jmh results/B/jmh` (each fork is one sample: use -f 5 or more).",
                "Extra arguments go to JMH, e.g. `kvbench jmh -- Codec -f 5 -wi 2 -i 3`."})
public final class JmhCommand implements Callable<Integer> {
    static final String RESULT_FILE = "jmh.json";

    @Option(names = "--out", description = "JSON result file (default: results/<version>/jmh/<time>/jmh.json).")
    Path output;

    @Parameters(arity = "0..*", description = "Arguments passed to JMH (benchmark regex and options).")
    List<String> jmhArguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path jar = Home.directory().resolve("bench/target/benchmarks.jar");
        if (!Files.exists(jar)) throw new UsageException(jar + " is missing; build with `mvn -pl bench -am package -DskipTests`");
        Path result = output != null ? output : ResultsLayout.newRun(ResultsLayout.defaultRoot(), "jmh").resolve(RESULT_FILE);
        Files.createDirectories(result.toAbsolutePath().getParent());
        List<String> command = new ArrayList<>(List.of(LocalCluster.javaBinary(), "-jar", jar.toString(), "-rf", "json", "-rff", result.toString()));
        command.addAll(jmhArguments);
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit == 0) {
            writeRunJson(result.toAbsolutePath().getParent().resolve("run.json"));
            System.out.println("results: " + result);
        }
        return exit == 0 ? KvbenchMain.EXIT_OK : KvbenchMain.EXIT_CHECK_FAILED;
    }

    /** The commit and JVM beside the JMH file (JMH's JSON names neither the commit nor the machine's kernel). */
    private void writeRunJson(Path file) throws java.io.IOException {
        if (Files.exists(file)) return; // --out into a folder that has one: leave it
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("target", "jmh");
        run.put("gitSha", Git.sha(Home.directory()));
        run.put("gitDescribe", Git.describe(Home.directory()));
        run.put("jmhArguments", jmhArguments);
        run.put("javaVersion", System.getProperty("java.version"));
        run.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        run.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), run);
    }
}
