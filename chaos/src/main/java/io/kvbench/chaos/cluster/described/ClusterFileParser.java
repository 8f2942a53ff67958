package io.kvbench.chaos.cluster.described;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kvbench.chaos.cluster.ClusterTiming;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a cluster file (JSON; {@code //} comments allowed) and checks all of it before anything runs: unknown or
 * missing fields, another target's fields or placeholders ({@link FileTarget}), bad addresses, duplicate ids,
 * names or addresses, missing commands and placeholders that have no value each give a one-line
 * {@link ClusterFileException} naming the file and the entry.
 */
final class ClusterFileParser {
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();
    private static final Set<String> TOP_FIELDS = Set.of("target", "timing", "commandTimeoutMillis", "startTimeoutMillis",
            "vars", "commands", "nodes");
    /** Node fields of every target; each target adds its own ({@link FileTarget#ownNodeFields}). */
    private static final Set<String> COMMON_NODE_FIELDS = Set.of("id", "host", "client", "peer", "dataDir", "vars", "commands");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern ETCD_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    /** An etcd node without a {@code name} is named this plus its id. */
    static final String DEFAULT_ETCD_NAME_PREFIX = "etcd";

    private final String source;
    /** Set from the file's {@code target} before anything that depends on it is read. */
    private FileTarget target;
    /** The top-level vars' names, once read. */
    private Set<String> clusterVarNames = Set.of();

    private ClusterFileParser(String source) {
        this.source = source;
    }

    static ClusterFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new ClusterFileException(file.toString(), "no such file");
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses the text of a cluster file; {@code source} names it in errors. */
    static ClusterFile parse(String text, String source) {
        return new ClusterFileParser(source).parse(text);
    }

    private ClusterFile parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw fail("not valid JSON" + where + ": " + oneLine(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) throw fail("expected a JSON object with target, timing and nodes");
        rejectUnknownFields(root, TOP_FIELDS, "");

        String targetLabel = requiredText(root, "target", "");
        target = FileTarget.byLabel(targetLabel)
                .orElseThrow(() -> fail("unknown target '" + targetLabel + "'; supported: " + FileTarget.labels()));

        ClusterTiming timing = timing(root);
        Duration commandTimeout = optionalMillis(root, "commandTimeoutMillis", DEFAULT_COMMAND_TIMEOUT);
        Duration startTimeout = optionalMillis(root, "startTimeoutMillis", DEFAULT_START_TIMEOUT);
        Map<String, String> clusterVars = vars(root.get("vars"), "");
        clusterVarNames = clusterVars.keySet();
        Map<NodeAction, CommandTemplate> clusterCommands = commands(root.get("commands"), "");

        JsonNode nodesJson = root.get("nodes");
        if (nodesJson == null) throw fail("missing field 'nodes'");
        if (!nodesJson.isArray() || nodesJson.isEmpty()) throw fail("'nodes' must be a non-empty array");
        List<NodeFields> nodes = new ArrayList<>();
        for (int index = 0; index < nodesJson.size(); index++) {
            nodes.add(nodeFields(nodesJson.get(index), index));
        }
        rejectDuplicates(nodes);
        nodes.sort(Comparator.comparingInt(NodeFields::id));

        Map<String, String> clusterValues = switch (target) {
            case KVNODE -> Map.of(
                    "peers", nodes.stream().map(n -> n.id + "=" + n.peer).collect(Collectors.joining(",")),
                    "clients", nodes.stream().map(n -> n.id + "=" + n.client).collect(Collectors.joining(",")));
            case ETCD -> Map.of(
                    "initialCluster", nodes.stream().map(n -> n.name + "=http://" + n.peer).collect(Collectors.joining(",")));
        };
        List<DescribedNode> described = new ArrayList<>();
        for (NodeFields node : nodes) {
            described.add(render(node, clusterVars, clusterCommands, clusterValues));
        }
        return new ClusterFile(source, target.label, timing, commandTimeout, startTimeout, described);
    }

    /** What a node entry says, before its commands are rendered. {@code name} is etcd's, null for kvnode. */
    private record NodeFields(int id, String label, String name, String host, HostPort client, HostPort peer, String dataDir,
                              CommandTemplate eventLog, Map<String, String> vars, Map<NodeAction, CommandTemplate> commands) {
    }

    private NodeFields nodeFields(JsonNode json, int index) {
        String label = "nodes[" + index + "]";
        if (!json.isObject()) throw fail(label + ": expected an object");
        JsonNode idJson = json.get("id");
        if (idJson == null) throw fail(label + ": missing field 'id'");
        if (!idJson.isInt() || idJson.asInt() < 1) throw fail(label + ": id must be a positive integer, not " + idJson);
        int id = idJson.asInt();
        label = "node " + id;
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (target.ownNodeFields.containsKey(field)) continue;
            Optional<FileTarget> other = target.otherWithNodeField(field);
            if (other.isPresent()) {
                throw fail(label + ": '" + field + "' is for " + other.get().label + " files (" + other.get().ownNodeFields.get(field)
                        + "); this file's target is " + target.label);
            }
        }
        Set<String> known = new TreeSet<>(COMMON_NODE_FIELDS);
        known.addAll(target.ownNodeFields.keySet());
        rejectUnknownFields(json, known, label + ": ");
        HostPort client = hostPort(json, "client", label, true);
        HostPort peer = hostPort(json, "peer", label, true);
        String host = json.has("host") ? requiredText(json, "host", label + ": ") : client.host();
        String dataDir = json.has("dataDir") ? requiredText(json, "dataDir", label + ": ") : null;
        CommandTemplate eventLog = json.has("eventLog") ? CommandTemplate.parse(requiredText(json, "eventLog", label + ": ")) : null;
        String name = null;
        if (target == FileTarget.ETCD) {
            name = json.has("name") ? requiredText(json, "name", label + ": ") : DEFAULT_ETCD_NAME_PREFIX + id;
            // the name goes into --initial-cluster, a comma-separated list of name=url
            if (!ETCD_NAME.matcher(name).matches()) {
                throw fail(label + ": name '" + name + "' must be letters, digits, '.', '_' or '-' (it goes into --initial-cluster)");
            }
        }
        return new NodeFields(id, label, name, host, client, peer, dataDir, eventLog, vars(json.get("vars"), label + ": "),
                commands(json.get("commands"), label + ": "));
    }

    private void rejectDuplicates(List<NodeFields> nodes) {
        Map<Integer, NodeFields> byId = new HashMap<>();
        Map<String, NodeFields> byName = new HashMap<>();
        Map<HostPort, NodeFields> byAddress = new HashMap<>();
        for (NodeFields node : nodes) {
            if (byId.putIfAbsent(node.id, node) != null) throw fail("node " + node.id + ": duplicate id");
            if (node.name != null && byName.putIfAbsent(node.name, node) != null) {
                throw fail(node.label + ": name '" + node.name + "' is also " + byName.get(node.name).label + "'s");
            }
            for (HostPort address : List.of(node.client, node.peer)) {
                NodeFields other = byAddress.putIfAbsent(address, node);
                if (other != null) {
                    throw fail(node.label + ": address " + address + " is also "
                            + (other == node ? "its own other address" : other.label + "'s"));
                }
            }
        }
    }

    /** Renders the node's commands; {@code clusterValues} holds the target's placeholders that list every node. */
    private DescribedNode render(NodeFields node, Map<String, String> clusterVars, Map<NodeAction, CommandTemplate> clusterCommands,
                                 Map<String, String> clusterValues) {
        Map<String, String> values = new HashMap<>(clusterValues);
        values.put("id", Integer.toString(node.id));
        values.put("host", node.host);
        values.put("client", node.client.toString());
        values.put("clientHost", node.client.host());
        values.put("clientPort", Integer.toString(node.client.port()));
        values.put("peer", node.peer.toString());
        values.put("peerHost", node.peer.host());
        values.put("peerPort", Integer.toString(node.peer.port()));
        if (node.dataDir != null) values.put("dataDir", node.dataDir);
        if (node.name != null) {
            values.put("name", node.name);
            values.put("clientUrl", "http://" + node.client);
            values.put("peerUrl", "http://" + node.peer);
        }
        Path eventLog = null;
        if (node.eventLog != null) {
            String rendered = substitute(node, "eventLog", node.eventLog, values);
            eventLog = Path.of(rendered);
            values.put("eventLog", rendered);
        }
        // vars may use the built-in placeholders (an ssh prefix naming {host}), not each other
        Map<String, String> builtIns = Map.copyOf(values);
        Map<String, String> vars = new LinkedHashMap<>(clusterVars);
        vars.putAll(node.vars);
        vars.forEach((name, value) -> values.put(name, substitute(node, "var '" + name + "'", CommandTemplate.parse(value), builtIns)));
        Map<NodeAction, CommandTemplate> templates = new EnumMap<>(NodeAction.class);
        templates.putAll(clusterCommands);
        templates.putAll(node.commands);
        Map<NodeAction, String> commands = new EnumMap<>(NodeAction.class);
        for (NodeAction action : NodeAction.values()) {
            CommandTemplate template = templates.get(action);
            if (template == null) {
                if (action.required()) {
                    throw fail(node.label + ": no '" + action.key() + "' command (give it in the top-level or the node's commands)");
                }
                continue;
            }
            commands.put(action, substitute(node, "command '" + action.key() + "'", template, values));
        }
        return new DescribedNode(node.id, node.host, node.client, node.peer, node.dataDir, eventLog, commands);
    }

    /** Renders the template with {@code values}, which hold exactly the placeholders usable at that point. */
    private String substitute(NodeFields node, String what, CommandTemplate template, Map<String, String> values) {
        for (String name : template.placeholders()) {
            if (values.containsKey(name)) continue;
            if (target.builtInPlaceholders().contains(name)) {
                boolean absent = name.equals("eventLog") ? node.eventLog == null : name.equals("dataDir");
                throw fail(node.label + ": " + what + " uses {" + name + "} but "
                        + (absent ? "the node has no " + name : "it is not available there"));
            }
            Optional<FileTarget> other = target.otherWithPlaceholder(name);
            boolean isVar = clusterVarNames.contains(name) || node.vars.containsKey(name);
            if (other.isPresent() && !isVar) {
                throw fail(node.label + ": " + what + " uses {" + name + "}, which only " + other.get().label + " files have ("
                        + other.get().ownPlaceholders.get(name) + "); " + target.label + " files have "
                        + target.ownPlaceholders.keySet().stream().map(own -> "{" + own + "}").collect(Collectors.joining(", ")));
            }
            throw fail(node.label + ": " + what + " has unknown placeholder {" + name + "}; known: "
                    + String.join(", ", new TreeSet<>(values.keySet())) + " (add it to vars, or write {{" + name + "}} for literal braces)");
        }
        return template.render(values);
    }

    private ClusterTiming timing(JsonNode root) {
        JsonNode json = root.get("timing");
        if (json == null) throw fail("missing field 'timing' (" + String.join(", ", target.timingFields) + ")");
        if (!json.isObject()) throw fail("'timing' must be an object");
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            Optional<FileTarget> other = target.otherWithTimingField(field);
            if (other.isPresent()) {
                throw fail("timing: '" + field + "' is for " + other.get().label + " files; " + target.timingRule);
            }
        }
        rejectUnknownFields(json, Set.copyOf(target.timingFields), "timing: ");
        int heartbeat = requiredPositiveInt(json, "heartbeatMillis", "timing: ");
        if (target == FileTarget.ETCD) {
            int election = requiredPositiveInt(json, "electionTimeoutMillis", "timing: ");
            // etcd refuses to start with an election timeout under 5 heartbeats, so no member can run with these
            if (election < 5 * heartbeat) {
                throw fail("timing: electionTimeoutMillis " + election + " is under 5 x heartbeatMillis " + heartbeat
                        + ", which etcd refuses to start with");
            }
            // etcd draws each election timeout from [t, 2t) (raft.go resetRandomizedElectionTimeout)
            return new ClusterTiming(election, 2 * election, heartbeat);
        }
        int min = requiredPositiveInt(json, "electionTimeoutMinMillis", "timing: ");
        int max = requiredPositiveInt(json, "electionTimeoutMaxMillis", "timing: ");
        if (max < min) throw fail("timing: electionTimeoutMaxMillis " + max + " is below electionTimeoutMinMillis " + min);
        return new ClusterTiming(min, max, heartbeat);
    }

    private Map<String, String> vars(JsonNode json, String where) {
        Map<String, String> vars = new LinkedHashMap<>();
        if (json == null) return vars;
        if (!json.isObject()) throw fail(where + "'vars' must be an object of names to strings");
        for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (!NAME.matcher(name).matches()) throw fail(where + "vars: '" + name + "' is not a placeholder name (letters, digits, _)");
            if (target.builtInPlaceholders().contains(name)) throw fail(where + "vars: '" + name + "' is a built-in placeholder");
            if (!field.getValue().isTextual() && !field.getValue().isNumber()) {
                throw fail(where + "vars: '" + name + "' must be a string, not " + field.getValue().getNodeType().toString().toLowerCase());
            }
            vars.put(name, field.getValue().asText());
        }
        return vars;
    }

    private Map<NodeAction, CommandTemplate> commands(JsonNode json, String where) {
        Map<NodeAction, CommandTemplate> commands = new EnumMap<>(NodeAction.class);
        if (json == null) return commands;
        if (!json.isObject()) throw fail(where + "'commands' must be an object of action names to shell commands");
        for (Iterator<Map.Entry<String, JsonNode>> fields = json.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            NodeAction action = NodeAction.byKey(field.getKey()).orElseThrow(() -> fail(where + "commands: unknown action '"
                    + field.getKey() + "'; one of " + java.util.Arrays.stream(NodeAction.values()).map(NodeAction::key)
                    .collect(Collectors.joining(", "))));
            if (!field.getValue().isTextual() || field.getValue().asText().isBlank()) {
                throw fail(where + "commands: '" + field.getKey() + "' must be a non-empty string");
            }
            commands.put(action, CommandTemplate.parse(field.getValue().asText()));
        }
        return commands;
    }

    private HostPort hostPort(JsonNode json, String field, String label, boolean required) {
        JsonNode value = json.get(field);
        if (value == null) {
            if (required) throw fail(label + ": missing field '" + field + "' (host:port)");
            return null;
        }
        if (!value.isTextual()) throw fail(label + ": " + field + " must be a \"host:port\" string");
        try {
            return HostPort.parse(value.asText());
        } catch (IllegalArgumentException e) {
            throw fail(label + ": " + field + " " + e.getMessage());
        }
    }

    private String requiredText(JsonNode json, String field, String where) {
        JsonNode value = json.get(field);
        if (value == null) throw fail(where + "missing field '" + field + "'");
        if (!value.isTextual() || value.asText().isBlank()) throw fail(where + "'" + field + "' must be a non-empty string");
        return value.asText();
    }

    private int requiredPositiveInt(JsonNode json, String field, String where) {
        JsonNode value = json.get(field);
        if (value == null) throw fail(where + "missing field '" + field + "'");
        if (!value.isInt() || value.asInt() < 1) throw fail(where + "'" + field + "' must be a positive integer, not " + value);
        return value.asInt();
    }

    private Duration optionalMillis(JsonNode json, String field, Duration fallback) {
        return json.has(field) ? Duration.ofMillis(requiredPositiveInt(json, field, "")) : fallback;
    }

    private void rejectUnknownFields(JsonNode json, Set<String> known, String where) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) throw fail(where + "unknown field '" + name + "'; known: " + String.join(", ", new TreeSet<>(known)));
        }
    }

    private ClusterFileException fail(String message) {
        return new ClusterFileException(source, message);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
