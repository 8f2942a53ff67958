package io.kvbench.cli.compare;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What a run measured, as benchstat's configuration keys: target (and its version or label when recorded),
 * scenario, mode, clients, rate, fault, cluster size, fsync, election and heartbeat settings, read from the run's
 * run.json (or its CSV files when it has none; {@link ConfigurationReader}). Two runs are only ever pooled when
 * their configurations are equal; the version under comparison (the commit) is not a key: it is what differs
 * between A and B.
 *
 * <p>Keys are kept in {@link #KEY_ORDER} (unknown keys after, by name) so labels read the same everywhere.
 */
public record Configuration(Map<String, String> keys) {

    /** The order keys are printed in; the first few name the experiment ({@link #experiment()}). */
    public static final List<String> KEY_ORDER = List.of("scenario", "target", "targetLabel", "targetVersion",
            "mode", "fault", "benchmark", "params", "unit", "clusterSize", "clients", "connections", "inFlightLimit",
            "rate", "fsync", "network", "electionTimeoutMinMillis", "electionTimeoutMaxMillis",
            "heartbeatMillis", "probeIntervalMillis", "clientFanOut", "valueSizeBytes", "keys", "keyDistribution",
            "readWriteCasPercent", "pacing");

    /** The keys that say what was run (rather than how): configurations of one experiment are expected to match. */
    static final List<String> EXPERIMENT_KEYS = List.of("scenario", "target", "benchmark", "mode", "fault");

    public Configuration {
        Map<String, String> ordered = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(keys.keySet());
        names.sort(Comparator.comparingInt(Configuration::rank).thenComparing(Comparator.naturalOrder()));
        for (String name : names) {
            String value = keys.get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("configuration key " + name + " has no value");
            }
            ordered.put(name, value);
        }
        keys = java.util.Collections.unmodifiableMap(ordered);
    }

    public static Configuration of(Map<String, String> keys) {
        return new Configuration(keys);
    }

    public String value(String key) {
        return keys.get(key);
    }

    /** This configuration without the given keys (for {@code --ignore}). */
    public Configuration without(Collection<String> ignored) {
        Map<String, String> kept = new LinkedHashMap<>(keys);
        kept.keySet().removeAll(ignored);
        return new Configuration(kept);
    }

    /** The experiment: the {@link #EXPERIMENT_KEYS} this configuration has, e.g. {@code kvnode CLOSED_LOOP}. */
    public String experiment() {
        StringJoiner text = new StringJoiner(" ");
        for (String key : EXPERIMENT_KEYS) {
            if (keys.containsKey(key)) {
                text.add(keys.get(key));
            }
        }
        return text.length() == 0 ? "(no target recorded)" : text.toString();
    }

    /** {@code key=value} pairs joined by spaces, in key order: the label printed above a group of rows. */
    public String label() {
        StringJoiner text = new StringJoiner(" ");
        keys.forEach((key, value) -> text.add(key + "=" + quoted(value)));
        return text.length() == 0 ? "(no configuration recorded)" : text.toString();
    }

    /** The experiment, then the remaining keys: {@code sequential-writes kvnode CLOSED_LOOP: clients=1 fsync=always}. */
    public String shortLabel() {
        StringJoiner rest = new StringJoiner(" ");
        keys.forEach((key, value) -> {
            if (!EXPERIMENT_KEYS.contains(key)) {
                rest.add(key + "=" + quoted(value));
            }
        });
        return rest.length() == 0 ? experiment() : experiment() + ": " + rest;
    }

    /** A value as written in labels: in double quotes when it holds a space, '=' or a quote (then made '). */
    static String quoted(String value) {
        return value.matches("[^\\s\"=]+") ? value : "\"" + value.replace('"', '\'') + "\"";
    }

    /** Keys whose value differs, or that only one of the two has. */
    public Set<String> differingKeys(Configuration other) {
        Set<String> differing = new java.util.TreeSet<>(Comparator.comparingInt(Configuration::rank)
                .thenComparing(Comparator.naturalOrder()));
        for (String key : keys.keySet()) {
            if (!keys.get(key).equals(other.keys.get(key))) {
                differing.add(key);
            }
        }
        for (String key : other.keys.keySet()) {
            if (!keys.containsKey(key)) {
                differing.add(key);
            }
        }
        return differing;
    }

    /** Orders configurations by experiment, then by each key's value, numbers as numbers (16 before 64). */
    public static final Comparator<Configuration> ORDER = (left, right) -> {
        List<String> names = new ArrayList<>(left.keys.keySet());
        right.keys.keySet().stream().filter(name -> !left.keys.containsKey(name)).forEach(names::add);
        names.sort(Comparator.comparingInt(Configuration::rank).thenComparing(Comparator.naturalOrder()));
        for (String name : names) {
            String a = left.keys.get(name);
            String b = right.keys.get(name);
            if (a == null || b == null) {
                if (a != b) {
                    return a == null ? -1 : 1;
                }
                continue;
            }
            int byValue = name.equals("scenario") ? compareScenarios(a, b) : ResultSet.compareNatural(a, b);
            if (byValue != 0) {
                return byValue;
            }
        }
        return 0;
    };

    /** The suite's scenarios in the suite's order (sequential writes first), others after them by name. */
    private static int compareScenarios(String a, String b) {
        int suiteA = suiteIndex(a);
        int suiteB = suiteIndex(b);
        return suiteA != suiteB ? Integer.compare(suiteA, suiteB) : ResultSet.compareNatural(a, b);
    }

    private static int suiteIndex(String scenario) {
        for (SuiteScenario known : SuiteScenario.values()) {
            if (known.label().equals(scenario)) {
                return known.ordinal();
            }
        }
        return SuiteScenario.values().length;
    }

    private static int rank(String key) {
        int index = KEY_ORDER.indexOf(key);
        return index < 0 ? KEY_ORDER.size() : index;
    }
}
