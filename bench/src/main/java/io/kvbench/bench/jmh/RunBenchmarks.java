package io.kvbench.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the kvbench JMH benchmarks with short settings sized for a small shared machine (1 fork, 2 warm-up and
 * 3 measurement iterations) and writes JSON to {@code results/<version>/jmh/<date>.json}, where the version is
 * {@code git describe --tags --always --dirty} ({@code dev} outside a checkout), as every other result. Same as
 * <pre>
 *   java -jar bench/target/benchmarks.jar -f 1 -wi 2 -i 3 -rf json -rff results/$(git describe --tags --always --dirty)/jmh/$(date +%F).json 'io.kvbench.bench.jmh'
 * </pre>
 * One fork gives one sample per benchmark to {@code kvbench compare}; compare versions with more forks.
 * Always forked: in-process runs (-f 0) share JIT profiles between benchmarks (JMHSample_12_Forking).
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.kvbench.bench.jmh.RunBenchmarks [regex] [output.json]}
 */
public final class RunBenchmarks {
    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        String include = args.length > 0 ? args[0] : "io\\.kvbench\\.bench\\.jmh\\..*";
        Path output = args.length > 1 ? Path.of(args[1]) : Path.of("results", version(), "jmh", LocalDate.now() + ".json");
        Files.createDirectories(output.toAbsolutePath().getParent());
        Options options = new OptionsBuilder()
                .include(include)
                .forks(1)
                .warmupIterations(2)
                .measurementIterations(3)
                .resultFormat(ResultFormatType.JSON)
                .result(output.toString())
                .build();
        new Runner(options).run();
        System.out.println("JMH results: " + output.toAbsolutePath());
    }

    /** {@code git describe --tags --always --dirty} of the working directory, or {@code dev}. */
    static String version() {
        try {
            Process process = new ProcessBuilder("git", "describe", "--tags", "--always", "--dirty")
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            String text = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            return process.waitFor() == 0 && !text.isEmpty() && !text.contains("\n") ? text : "dev";
        } catch (java.io.IOException e) {
            return "dev";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "dev";
        }
    }
}
