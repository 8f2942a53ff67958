package io.kvbench.cli;

import io.kvbench.bench.floor.Floor;
import io.kvbench.bench.floor.FloorResult;
import io.kvbench.bench.load.LoadMode;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.LoadSummary;
import io.kvbench.bench.load.OperationMix;
import io.kvbench.bench.target.KvnodeTarget;
import io.kvbench.chaos.campaign.Campaign;
import io.kvbench.chaos.campaign.CampaignResult;
import io.kvbench.chaos.campaign.CampaignSpec;
import io.kvbench.chaos.campaign.FaultKind;
import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.node.local.LocalClusterSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@code kvbench gate}: the seed's quality gate (docs/quality-gate.md) as a checklist with figures. */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = {"Run the quality gate and print its checklist, each item with its figure.",
                "Items: build, unit and simulation tests, the kill-leader test, a short chaos campaign, a short benchmark,",
                "charts. Exit 1 if any item fails. Needs a checkout and Maven."})
public final class GateCommand implements Callable<Integer> {
    private static final List<String> UNIT_MODULES = List.of("kvnode/raft", "kvnode/kv", "kvnode/wal", "kvnode/net", "kvnode/client", "kvnode/driver",
            "kvnode/sim", "kvnode/node");

    @Option(names = "--out", description = "Output folder (default: results/<version>/gate/<time>/).")
    Path output;

    @Option(names = "--skip-maven", description = "Skip the Maven items (build, tests, kill-leader test), e.g. when CI just ran them.")
    boolean skipMaven;

    record Item(String name, boolean passed, String figure) {
    }

    @Override
    public Integer call() throws Exception {
        Path home = Home.directory();
        Path out = output != null ? output : ResultsLayout.newRun(ResultsLayout.defaultRoot(), "gate");
        List<Item> items = new ArrayList<>();
        if (!skipMaven) {
            if (!Files.exists(home.resolve("pom.xml"))) throw new UsageException("the gate needs a checkout: no pom.xml in " + home);
            items.add(step("build", () -> maven(home, out, "build", "test-compile") ? pass("compiled every module") : fail("see build.log")));
            items.add(step("unit and simulation tests", () -> {
                boolean ok = maven(home, out, "unit-tests", "verify", "-pl", String.join(",", UNIT_MODULES), "-am");
                return new Item("", ok, countTests(home, UNIT_MODULES) + " tests" + (ok ? " passed" : ", failures: see unit-tests.log"));
            }));
            items.add(step("kill-the-leader test (real processes)", () -> {
                boolean ok = maven(home, out, "kill-leader", "verify", "-pl", "chaos", "-am", "-Dtest=LocalKvClusterTest",
                        "-Dsurefire.failIfNoSpecifiedTests=false");
                return new Item("", ok, ok ? "kill -9, pause, two leaders in a row, restart: passed" : "failed: see kill-leader.log");
            }));
        }
        LoadSummary[] load = new LoadSummary[1];
        FloorResult[] floor = new FloorResult[1];
        CampaignResult[] chaos = new CampaignResult[1];
        try (LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().build(), out.resolve("cluster"))) {
            cluster.awaitLeader(Duration.ofSeconds(30));
            items.add(step("short chaos campaign (5 leader kills)", () -> {
                chaos[0] = Campaign.run(CampaignSpec.builder().runId("gate").gitSha(Git.sha(home)).fault(FaultKind.KILL_LEADER)
                        .trials(5).build(), cluster, out.resolve("chaos"));
                CampaignResult r = chaos[0];
                return new Item("", r.passed(), String.format(Locale.ROOT, "%d/%d recovered, %s, unavailability p50 %.0f ms max %.0f ms",
                        r.trials().stream().filter(t -> t.recovered()).count(), r.trials().size(),
                        r.verdict().describe().lines().findFirst().orElse(""), r.unavailability().p50Millis(), r.unavailability().maxMillis()));
            }));
            items.add(step("short benchmark (10 s at 200 writes/s, fsync always)", () -> {
                cluster.awaitLeader(Duration.ofSeconds(30));
                floor[0] = Floor.measure(cluster.runDirectory(), 500);
                Path loadDirectory = out.resolve("load");
                Files.createDirectories(loadDirectory);
                load[0] = LoadCommand.run(LoadSpec.builder().mode(LoadMode.OPEN_LOOP).targetRatePerSecond(200)
                        .duration(Duration.ofSeconds(10)).warmup(Duration.ofSeconds(2)).connections(2).inFlightLimit(32)
                        .keyCount(1000).valueSizeBytes(100).mix(OperationMix.writesOnly()).seed(1)
                        .operationTimeout(Duration.ofSeconds(10)).build(),
                        new KvnodeTarget(new ArrayList<>(cluster.clientAddresses().values()), 2, 32, Duration.ofSeconds(10)),
                        loadDirectory, floor[0], null, true, CostLines.processes(cluster));
                LoadSummary s = load[0];
                // The release figures (p50_over_floor, RELEASES.md) stay on the single-fsync floor they began with.
                double floorMicros = floor[0].singleFsyncFloorMicros();
                return new Item("", s.errors() + s.timeouts() == 0, String.format(Locale.ROOT, "p50 %d us (%.1fx single-fsync floor), p99 %d us (%.1fx), %d errors",
                        s.latencyMicrosP50(), s.latencyMicrosP50() / floorMicros, s.latencyMicrosP99(), s.latencyMicrosP99() / floorMicros,
                        s.errors() + s.timeouts()));
            }));
        }
        items.add(step("charts", () -> {
            int exit = PlotCommand.run(List.of("all", out.toString()));
            long pngs;
            try (Stream<Path> files = Files.walk(out)) {
                pngs = files.filter(p -> p.toString().endsWith(".png")).count();
            }
            return new Item("", exit == 0 && pngs >= 3, pngs + " PNG charts");
        }));
        String checklist = render(items);
        Files.writeString(out.resolve("gate.txt"), checklist, StandardCharsets.UTF_8);
        System.out.print(checklist);
        System.out.println("results: " + out);
        return items.stream().allMatch(Item::passed) ? KvbenchMain.EXIT_OK : KvbenchMain.EXIT_CHECK_FAILED;
    }

    interface Check {
        Item run() throws Exception;
    }

    private static Item step(String name, Check check) {
        System.err.println("gate: " + name + " ...");
        try {
            Item item = check.run();
            return new Item(name, item.passed(), item.figure());
        } catch (Exception e) {
            return new Item(name, false, "error: " + e.getMessage());
        }
    }

    private static Item pass(String figure) {
        return new Item("", true, figure);
    }

    private static Item fail(String figure) {
        return new Item("", false, figure);
    }

    static String render(List<Item> items) {
        StringBuilder text = new StringBuilder("quality gate\n");
        for (Item item : items) {
            text.append(String.format(Locale.ROOT, "  [%s] %-52s %s%n", item.passed() ? "x" : " ", item.name(), item.figure()));
        }
        long failed = items.stream().filter(i -> !i.passed()).count();
        text.append(failed == 0 ? "GREEN: every item passed\n" : "RED: " + failed + " item(s) failed\n");
        return text.toString();
    }

    private static boolean maven(Path home, Path out, String logName, String... goals) throws IOException, InterruptedException {
        Files.createDirectories(out);
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-ntp"));
        command.addAll(List.of(goals));
        Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(out.resolve(logName + ".log").toFile()).start();
        return process.waitFor() == 0;
    }

    /** Sums the tests surefire ran in the given modules, from its XML reports. */
    static long countTests(Path home, List<String> modules) throws IOException {
        Pattern tests = Pattern.compile("<testsuite[^>]* tests=\"(\\d+)\"");
        long total = 0;
        for (String module : modules) {
            Path reports = home.resolve(module).resolve("target/surefire-reports");
            if (!Files.isDirectory(reports)) continue;
            try (Stream<Path> files = Files.list(reports)) {
                for (Path report : files.filter(p -> p.getFileName().toString().endsWith(".xml")).toList()) {
                    Matcher matcher = tests.matcher(Files.readString(report, StandardCharsets.UTF_8));
                    if (matcher.find()) total += Long.parseLong(matcher.group(1));
                }
            }
        }
        return total;
    }
}
