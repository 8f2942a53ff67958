package io.kvbench.cli.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One run of a {@link SuiteScenario} on a ref's build: {@code java -jar <worktree>/cli/target/kvbench.jar ...
 * --out <outdir>} with {@code KVBENCH_HOME} set to the worktree, its output in {@code outdir/scenario.log}. After
 * the run, {@code "scenario"} is added to its run.json (the configuration key that names it), and the nodes' data
 * folders ({@code cluster/n*}{@code /data}: preallocated WAL segments, ~16 MB a node) are deleted; their logs and
 * event logs stay.
 */
final class SuiteRun implements Scenario {

    static final String LOG_FILE = "scenario.log";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SuiteScenario scenario;
    private final SuiteSettings settings;

    SuiteRun(SuiteScenario scenario, SuiteSettings settings) {
        this.scenario = scenario;
        this.settings = settings;
    }

    /** The command line of one run. */
    List<String> command(Path worktree, Path outDir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(scenario.harnessJvmOptions(isRoot()));
        command.addAll(List.of("-jar", jar(worktree).toString()));
        command.addAll(scenario.arguments(settings));
        command.addAll(List.of("--out", outDir.toAbsolutePath().toString()));
        return command;
    }

    @Override
    public void run(Path worktree, Path outDir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar(worktree))) {
            throw new IOException(jar(worktree) + " is missing: the build did not make it");
        }
        Path log = outDir.resolve(LOG_FILE);
        int exitCode = ShellCommand.run(command(worktree, outDir), worktree, log,
                Map.of("KVBENCH_HOME", worktree.toAbsolutePath().toString()));
        try {
            Path runJson = outDir.resolve(ConfigurationReader.RUN_JSON);
            boolean checkFailed = exitCode == CompareException.FAILED && Files.isRegularFile(runJson);
            if (exitCode != 0 && !checkFailed) {
                throw new IOException("kvbench " + scenario.arguments(settings).get(0) + " exited with " + exitCode
                        + " (log: " + log + ")");
            }
            nameInRunJson(runJson);
            if (checkFailed) {
                throw new Scenario.CheckFailed("kvbench " + scenario.arguments(settings).get(0) + " exited with 1: "
                        + (scenario == SuiteScenario.LEADER_KILL ? "a trial did not recover or a checker failed, see "
                        + outDir.resolve("verdict.txt") : "writes failed or timed out, see "
                        + outDir.resolve("summary.csv")));
            }
        } finally {
            deleteNodeData(outDir.resolve("cluster"));
        }
    }

    private void nameInRunJson(Path runJson) throws IOException {
        if (!Files.isRegularFile(runJson)) {
            throw new IOException(runJson + " was not written");
        }
        ObjectNode run = (ObjectNode) JSON.readTree(runJson.toFile());
        run.put("scenario", scenario.label());
        JSON.writeValue(runJson.toFile(), run);
    }

    private static void deleteNodeData(Path cluster) throws IOException {
        if (!Files.isDirectory(cluster)) {
            return;
        }
        try (Stream<Path> nodes = Files.list(cluster)) {
            for (Path data : nodes.map(node -> node.resolve("data")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(data)) {
                    for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        }
    }

    private static Path jar(Path worktree) {
        return worktree.resolve("cli").resolve("target").resolve("kvbench.jar").toAbsolutePath();
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException unknown) {
            return false;
        }
    }
}
