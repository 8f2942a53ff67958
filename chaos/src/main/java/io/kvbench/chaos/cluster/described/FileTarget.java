package io.kvbench.chaos.cluster.described;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a cluster file may say that only one target has: node fields, timing fields and placeholders. Each comes
 * with what it is, so that a file using another target's field is told why it does not apply rather than just
 * that the field is unknown.
 */
enum FileTarget {
    KVNODE(ClusterFile.KVNODE,
            Map.of("eventLog", "the node's role-change event log; etcd writes none, so its elections are timed by polling status"),
            List.of("electionTimeoutMinMillis", "electionTimeoutMaxMillis", "heartbeatMillis"),
            "kvnode draws its election timeout from [electionTimeoutMinMillis, electionTimeoutMaxMillis]",
            ordered("peers", "kvnode's --peers list", "clients", "kvnode's --clients list", "eventLog", "the node's event log")),
    ETCD(ClusterFile.ETCD,
            Map.of("name", "an etcd member's --name; a kvnode is known by its id"),
            List.of("electionTimeoutMillis", "heartbeatMillis"),
            "etcd has one --election-timeout (it randomizes over [t, 2t)): give electionTimeoutMillis",
            ordered("name", "the member's --name", "clientUrl", "http://{client}", "peerUrl", "http://{peer}",
                    "initialCluster", "etcd's --initial-cluster list"));

    /** The placeholders every node has, whatever the target (some only when the node gives the field they come from). */
    static final List<String> COMMON_PLACEHOLDERS = List.of("id", "host", "client", "clientHost", "clientPort",
            "peer", "peerHost", "peerPort", "dataDir");

    final String label;
    /** Node fields only this target has, with what each is. */
    final Map<String, String> ownNodeFields;
    final List<String> timingFields;
    /** How this target's election timeout is given, for a file that gives the other target's fields. */
    final String timingRule;
    /** Placeholders only this target has, with what each holds. */
    final Map<String, String> ownPlaceholders;

    FileTarget(String label, Map<String, String> ownNodeFields, List<String> timingFields, String timingRule,
               Map<String, String> ownPlaceholders) {
        this.label = label;
        this.ownNodeFields = ownNodeFields;
        this.timingFields = timingFields;
        this.timingRule = timingRule;
        this.ownPlaceholders = ownPlaceholders;
    }

    static Optional<FileTarget> byLabel(String label) {
        return Arrays.stream(values()).filter(target -> target.label.equals(label)).findFirst();
    }

    static String labels() {
        return Arrays.stream(values()).map(target -> target.label).collect(Collectors.joining(", "));
    }

    /** Every placeholder a node of this target has: the common ones and its own. */
    List<String> builtInPlaceholders() {
        return Stream.concat(COMMON_PLACEHOLDERS.stream(), ownPlaceholders.keySet().stream()).toList();
    }

    /** The other target that has {@code field} as a node field, placeholder or timing field, if one does. */
    Optional<FileTarget> otherWithNodeField(String field) {
        return others().filter(other -> other.ownNodeFields.containsKey(field)).findFirst();
    }

    Optional<FileTarget> otherWithPlaceholder(String name) {
        return others().filter(other -> other.ownPlaceholders.containsKey(name)).findFirst();
    }

    Optional<FileTarget> otherWithTimingField(String field) {
        return others().filter(other -> other.timingFields.contains(field) && !timingFields.contains(field)).findFirst();
    }

    private Stream<FileTarget> others() {
        return Arrays.stream(values()).filter(target -> target != this);
    }

    private static Map<String, String> ordered(String... namesAndMeanings) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndMeanings.length; i += 2) map.put(namesAndMeanings[i], namesAndMeanings[i + 1]);
        return map;
    }
}
