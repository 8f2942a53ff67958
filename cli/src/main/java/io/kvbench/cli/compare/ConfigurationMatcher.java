package io.kvbench.cli.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pairs A's configurations with B's, as benchstat does: runs are compared only with runs of the same
 * configuration, and never pooled with another one.
 * <ol>
 *   <li>Configurations equal on both sides are paired.</li>
 *   <li>With {@code --ignore KEY}, those left are paired when they are equal without the ignored keys. Each side
 *       keeps its configurations apart: if dropping the keys would make two of one side's configurations one, that
 *       is an error (it would pool them), not a pairing.</li>
 *   <li>An experiment (scenario, target, mode, fault, benchmark) that both sides ran but with no configuration in
 *       common is an error naming the keys that differ and suggesting {@code --ignore}: e.g. runs recorded before
 *       a key existed (probeIntervalMillis) against runs recorded after.</li>
 *   <li>Everything else is listed as measured on one side only.</li>
 * </ol>
 */
final class ConfigurationMatcher {

    /** A configuration of A paired with one of B (equal, or equal without the ignored keys). */
    record Pair(Configuration a, Configuration b) {
        boolean exact() {
            return a.equals(b);
        }

        /** The label of the group: the configuration, with "a vs b" for the ignored keys that differ. */
        String label() {
            if (exact()) {
                return a.shortLabel();
            }
            StringBuilder text = new StringBuilder(a.without(a.differingKeys(b)).shortLabel());
            for (String key : a.differingKeys(b)) {
                text.append(text.indexOf(": ") < 0 ? ": " : " ").append(key).append('=')
                        .append(labelText(a.value(key))).append(" vs ").append(labelText(b.value(key)));
            }
            return text.toString();
        }
    }

    /** The pairs, then what only one side has. */
    record Matching(List<Pair> pairs, List<Configuration> onlyA, List<Configuration> onlyB) {
    }

    private static final String NOT_RECORDED = "(not recorded)";

    private ConfigurationMatcher() {
    }

    static Matching match(List<Configuration> sideA, List<Configuration> sideB, Set<String> ignored)
            throws CompareException {
        List<Pair> pairs = new ArrayList<>();
        List<Configuration> leftA = new ArrayList<>();
        List<Configuration> leftB = new ArrayList<>(sideB);
        for (Configuration a : sideA) {
            if (leftB.remove(a)) {
                pairs.add(new Pair(a, a));
            } else {
                leftA.add(a);
            }
        }
        if (!ignored.isEmpty()) {
            pairIgnoring(sideA, sideB, ignored, leftA, leftB, pairs);
        }
        refuseMismatchedExperiments(pairs, leftA, leftB, ignored);
        if (pairs.isEmpty()) {
            throw CompareException.usage("no configuration was measured on both sides: A has " + listed(leftA)
                    + "; B has " + listed(leftB));
        }
        pairs.sort((left, right) -> Configuration.ORDER.compare(left.a(), right.a()));
        return new Matching(pairs, leftA, leftB);
    }

    private static void pairIgnoring(List<Configuration> sideA, List<Configuration> sideB, Set<String> ignored,
            List<Configuration> leftA, List<Configuration> leftB, List<Pair> pairs) throws CompareException {
        requireNoPooling("A", sideA, ignored);
        requireNoPooling("B", sideB, ignored);
        for (Configuration a : new ArrayList<>(leftA)) {
            Configuration reducedA = a.without(ignored);
            for (Configuration b : leftB) {
                if (b.without(ignored).equals(reducedA)) {
                    pairs.add(new Pair(a, b));
                    leftA.remove(a);
                    leftB.remove(b);
                    break;
                }
            }
        }
    }

    private static void requireNoPooling(String side, List<Configuration> configurations, Set<String> ignored)
            throws CompareException {
        Map<Configuration, Configuration> seen = new LinkedHashMap<>();
        for (Configuration configuration : configurations) {
            Configuration earlier = seen.putIfAbsent(configuration.without(ignored), configuration);
            if (earlier != null) {
                throw CompareException.usage("--ignore " + String.join(",", ignored) + " would pool two of " + side
                        + "'s configurations (" + earlier.shortLabel() + " | " + configuration.shortLabel()
                        + "); runs of different configurations are never pooled: ignore fewer keys");
            }
        }
    }

    /** An experiment run on both sides, with no configuration in common: the keys differ, say which. */
    private static void refuseMismatchedExperiments(List<Pair> pairs, List<Configuration> leftA,
            List<Configuration> leftB, Set<String> ignored) throws CompareException {
        Set<String> pairedExperiments = new LinkedHashSet<>();
        for (Pair pair : pairs) {
            pairedExperiments.add(pair.a().experiment());
            pairedExperiments.add(pair.b().experiment());
        }
        List<String> complaints = new ArrayList<>();
        Set<String> keysToIgnore = new TreeSet<>();
        boolean recordedOnOneSide = false;
        for (String experiment : experiments(leftA)) {
            if (pairedExperiments.contains(experiment)) {
                continue;
            }
            List<Configuration> ofA = ofExperiment(leftA, experiment);
            List<Configuration> ofB = ofExperiment(leftB, experiment);
            if (ofB.isEmpty()) {
                continue;
            }
            Set<String> differing = new LinkedHashSet<>();
            for (Configuration a : ofA) {
                for (Configuration b : ofB) {
                    differing.addAll(a.differingKeys(b));
                }
            }
            differing.removeAll(ignored);
            keysToIgnore.addAll(differing);
            List<String> parts = new ArrayList<>();
            for (String key : differing) {
                parts.add(key + " " + values(ofA, key) + " in A, " + values(ofB, key) + " in B");
                recordedOnOneSide |= values(ofA, key).contains(NOT_RECORDED) || values(ofB, key).contains(NOT_RECORDED);
            }
            complaints.add(experiment + ": " + String.join("; ", parts));
        }
        if (!complaints.isEmpty()) {
            throw CompareException.usage("A and B ran the same experiment with different configurations, which "
                    + "are not compared: " + String.join(" | ", complaints) + (recordedOnOneSide ? " (a key not "
                    + "recorded on one side comes from runs made before it was recorded)" : "")
                    + "; to compare them anyway give --ignore " + String.join(",", keysToIgnore));
        }
    }

    private static String listed(List<Configuration> configurations) {
        List<String> labels = configurations.stream().map(Configuration::shortLabel).limit(4).toList();
        return String.join(" | ", labels) + (configurations.size() > 4 ? " and " + (configurations.size() - 4)
                + " more" : "");
    }

    private static Set<String> experiments(List<Configuration> configurations) {
        Set<String> experiments = new LinkedHashSet<>();
        configurations.forEach(configuration -> experiments.add(configuration.experiment()));
        return experiments;
    }

    private static List<Configuration> ofExperiment(List<Configuration> configurations, String experiment) {
        return configurations.stream().filter(c -> c.experiment().equals(experiment)).toList();
    }

    private static String values(List<Configuration> configurations, String key) {
        Set<String> values = new LinkedHashSet<>();
        configurations.forEach(configuration -> values.add(valueText(configuration.value(key))));
        return String.join("/", values);
    }

    private static String labelText(String value) {
        return value == null ? "(not-recorded)" : Configuration.quoted(value);
    }

    private static String valueText(String value) {
        return value == null ? NOT_RECORDED : value;
    }
}
