package io.kvbench.bench.reference;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The cross-check of the suite's etcd target: etcd's own Go client against the same cluster, {@code etcdctl check
 * perf} (it ships with Debian's {@code etcd-client}), so a reader sees whether the harness starves etcd. How the two
 * differ: check perf's {@code --load=l} runs 500 gRPC clients, each with a connection of its own, fed by one rate
 * limiter at 8,000 writes/s for 60 s (an open generator feeding a 500-deep queue, so closed-loop once etcd is the
 * bottleneck), writing 256-byte keys and 1 KiB values; the suite's target runs 16 or 64 closed-loop clients through
 * the v3 JSON gateway (HTTP/1.1, one request per connection at a time, the gateway calling gRPC inside etcd) with
 * 100-byte values on 1,000 keys. check perf prints PASS only above 90 % of its rate limit, so on a small machine it
 * prints FAIL with the throughput it got: that throughput is the figure here, not the verdict.
 */
final class EtcdCheckPerf {
    static final String LOAD = "l";
    static final int CLIENTS = 500;
    static final int RATE_LIMIT_PER_SECOND = 8000;
    /** Its 60 s run, its prefix check and the deletion of its keys, with room for a slow machine. */
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Path DEBIAN_ETCDCTL = Path.of("/usr/bin/etcdctl");
    private static final Pattern THROUGHPUT = Pattern.compile("Throughput (?:is|too low:) (\\d+) writes/s");
    private static final Pattern SLOWEST = Pattern.compile("Slowest request took(?: too long:)? ([0-9.]+)s");
    private static final Pattern STDDEV = Pattern.compile("Stddev (?:is|too high:) ([0-9.]+)s");

    /** What one run printed, read. {@code writesPerSecond} is empty when it printed no throughput (it failed early). */
    record Result(OptionalDouble writesPerSecond, OptionalDouble slowestSeconds, OptionalDouble stddevSeconds, boolean passed,
                  int exitCode, String output) {
        Map<String, Object> describe(String command) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("command", command);
            map.put("load", LOAD);
            map.put("clients", CLIENTS);
            map.put("rateLimitWritesPerSecond", RATE_LIMIT_PER_SECOND);
            map.put("keyBytes", 256);
            map.put("valueBytes", 1024);
            map.put("seconds", 60);
            map.put("writesPerSecond", writesPerSecond.isPresent() ? writesPerSecond.getAsDouble() : null);
            map.put("slowestRequestSeconds", slowestSeconds.isPresent() ? slowestSeconds.getAsDouble() : null);
            map.put("stddevSeconds", stddevSeconds.isPresent() ? stddevSeconds.getAsDouble() : null);
            map.put("passed", passed);
            map.put("exitCode", exitCode);
            return map;
        }
    }

    private EtcdCheckPerf() {
    }

    /** etcdctl on PATH or Debian's, if installed. */
    static Optional<Path> etcdctl() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(":")) {
                Path candidate = Path.of(directory.isEmpty() ? "." : directory, "etcdctl");
                if (Files.isExecutable(candidate)) return Optional.of(candidate);
            }
        }
        return Files.isExecutable(DEBIAN_ETCDCTL) ? Optional.of(DEBIAN_ETCDCTL) : Optional.empty();
    }

    static List<String> command(Path etcdctl, List<URI> endpoints, String prefix) {
        return List.of(etcdctl.toString(), "--endpoints=" + endpoints.stream().map(URI::toString).collect(Collectors.joining(",")),
                "check", "perf", "--load=" + LOAD, "--prefix=" + prefix);
    }

    /**
     * Runs check perf against {@code endpoints}, its output also written to {@code outputFile}; its keys go under a
     * prefix of their own, which it deletes at the end.
     */
    static Result run(Path etcdctl, List<URI> endpoints, Path outputFile) throws IOException, InterruptedException {
        List<String> command = command(etcdctl, endpoints, "/kvbench-check-perf-" + System.nanoTime() + "/");
        Files.createDirectories(outputFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(outputFile.toFile());
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT + "; its output: " + outputFile);
        }
        return parse(Files.readString(outputFile, StandardCharsets.UTF_8), process.exitValue());
    }

    /** Reads check perf's report lines (PASS or FAIL, each with its figure). */
    static Result parse(String output, int exitCode) {
        boolean passed = exitCode == 0 && output.lines().anyMatch(line -> line.strip().equals("PASS"));
        return new Result(number(THROUGHPUT, output), number(SLOWEST, output), number(STDDEV, output), passed, exitCode, output);
    }

    private static OptionalDouble number(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        return matcher.find() ? OptionalDouble.of(Double.parseDouble(matcher.group(1))) : OptionalDouble.empty();
    }
}
