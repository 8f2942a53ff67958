package io.kvbench.cli.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The scenarios {@code kvbench compare REF REF} runs on each ref when no {@code --scenario-cmd} is given: the
 * figures the README reports, short. Each is one {@code kvbench} command of the ref's own build, against a fresh
 * local 3-node kvnode cluster (fsync always), so a ref needs only the options these commands use. The machine's
 * floor (fsync alone and by the three nodes at once, loopback round trip: a few seconds on this machine) is measured
 * in the sequential-writes run, where write latency over the majority-write floor is the headline; the fixed-rate and
 * peak runs skip it. Every load run reports the CPU per acknowledged write of each node and of the generator
 * (issue 19: the figure a version comparison can trust on a shared machine).
 */
public enum SuiteScenario {
    SEQUENTIAL_WRITES("sequential-writes", "1 client, closed loop: one write at a time (latency against the floor)"),
    FIXED_RATE("fixed-rate", "open loop at a fixed rate, 4 connections: latency from the intended send time"),
    PEAK_16_CLIENTS("peak-16-clients", "closed loop, 16 clients: peak throughput"),
    LEADER_KILL("leader-kill", "a short campaign of leader kills (kill -9): election and unavailability, checked");

    private final String label;
    private final String description;

    SuiteScenario(String label, String description) {
        this.label = label;
        this.description = description;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** The scenario named {@code label}; a usage error listing the names otherwise. */
    public static SuiteScenario parse(String label) throws CompareException {
        for (SuiteScenario scenario : values()) {
            if (scenario.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                return scenario;
            }
        }
        throw CompareException.usage("--scenario: unknown scenario '" + label + "'; the suite has " + names());
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(SuiteScenario::label).toList());
    }

    /** The kvbench subcommand and options of one run (the suite adds {@code --out}). */
    List<String> arguments(SuiteSettings settings) {
        List<String> load = List.of("load", "--duration-s", Integer.toString(settings.loadSeconds()), "--warmup-s",
                Integer.toString(settings.warmupSeconds()));
        List<String> arguments = new ArrayList<>();
        switch (this) {
            case SEQUENTIAL_WRITES -> {
                arguments.addAll(load);
                arguments.addAll(List.of("--mode", "closed", "--in-flight", "1", "--connections", "1"));
            }
            case FIXED_RATE -> {
                arguments.addAll(load);
                arguments.addAll(List.of("--rate", Integer.toString(settings.fixedRatePerSecond()), "--connections",
                        "4", "--in-flight", "64", "--no-floor"));
            }
            case PEAK_16_CLIENTS -> {
                arguments.addAll(load);
                arguments.addAll(List.of("--mode", "closed", "--in-flight", "16", "--connections", "16",
                        "--no-floor"));
            }
            case LEADER_KILL -> arguments.addAll(List.of("chaos", "--fault", "kill-leader", "--trials",
                    Integer.toString(settings.killTrials()), "--interval-ms",
                    Integer.toString(settings.killIntervalMillis()), "--load-rate", "0", "--no-plot"));
        }
        return arguments;
    }

    /**
     * JVM options of the harness, as {@code ./kvbench} gives them: a campaign's harness compiles with C1 only (its
     * C2 took a core during elections, see the launcher), and as root the threads that ask for a raised priority get it.
     */
    List<String> harnessJvmOptions(boolean root) {
        List<String> options = new ArrayList<>();
        if (root) {
            options.addAll(List.of("-XX:ThreadPriorityPolicy=1", "-XX:CompilerThreadPriority=5"));
        }
        if (this == LEADER_KILL) {
            options.add("-XX:TieredStopAtLevel=1");
        }
        return options;
    }

    /** Expected seconds of one run, for the estimate and ETA. */
    double estimateSeconds(SuiteSettings settings) {
        if (this == LEADER_KILL) {
            return SuiteSettings.CAMPAIGN_OVERHEAD_SECONDS + settings.killTrials() * settings.killIntervalMillis() / 1000.0;
        }
        return SuiteSettings.LOAD_OVERHEAD_SECONDS + settings.warmupSeconds() + settings.loadSeconds();
    }
}
