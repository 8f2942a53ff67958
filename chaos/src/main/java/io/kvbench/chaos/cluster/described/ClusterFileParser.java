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
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a cluster file (JSON; {@code //} comments allowed) and checks all of it before anything runs: unknown or
 * missing fields, bad addresses, duplicate ids or addresses, missing commands and placeholders that have no value
 * each give a one-line {@link ClusterFileException} naming the file and the entry.
 */
final class ClusterFileParser {
    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    /** The placeholders every node has (some only when the node gives the field they come from). */
    static final List<String> BUILT_IN_PLACEHOLDERS = List.of("id", "host", "client", "clientHost", "clientPort",
            "peer", "peerHost", "peerPort", "dataDir", "eventLog", "peers", "clients");

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA).build();
    private static final Set<String> TOP_FIELDS = Set.of("target", "timing", "commandTimeoutMillis", "startTimeoutMillis",
            "vars", "commands", "nodes");
    private static final Set<String> TIMING_FIELDS = Set.of("electionTimeoutMinMillis", "electionTimeoutMaxMillis", "heartbeatMillis");
    private static final Set<String> NODE_FIELDS = Set.of("id", "host", "client", "peer", "dataDir", "eventLog", "vars", "commands");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    private final String source;

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

        String target = requiredText(root, "target", "");
        if (target.equals("etcd")) {
            throw fail("target etcd is not supported in cluster files yet (campaigns choose etcd's client only for the etcd "
                    + "clusters they start); use kvnode");
        }
        if (!target.equals("kvnode")) throw fail("unknown target '" + target + "'; supported: kvnode");

        ClusterTiming timing = timing(root);
        Duration commandTimeout = optionalMillis(root, "commandTimeoutMillis", DEFAULT_COMMAND_TIMEOUT);
        Duration startTimeout = optionalMillis(root, "startTimeoutMillis", DEFAULT_START_TIMEOUT);
        Map<String, String> clusterVars = vars(root.get("vars"), "");
        Map<NodeAction, CommandTemplate> clusterCommands = commands(root.get("commands"), "");

        JsonNode nodesJson = root.get("nodes");
        if (nodesJson == null) throw fail("missing field 'nodes'");
        if (!nodesJson.isArray() || nodesJson.isEmpty()) throw fail("'nodes' must be a non-empty array");
        List<NodeFields> nodes = new ArrayList<>();
        for (int index = 0; index < nodesJson.size(); index++) {
            nodes.add(nodeFields(nodesJson.get(index), index, target));
        }
        rejectDuplicates(nodes);
        nodes.sort(Comparator.comparingInt(NodeFields::id));

        String peers = nodes.stream().filter(n -> n.peer != null).map(n -> n.id + "=" + n.peer).collect(Collectors.joining(","));
        String clients = nodes.stream().map(n -> n.id + "=" + n.client).collect(Collectors.joining(","));
        List<DescribedNode> described = new ArrayList<>();
        for (NodeFields node : nodes) {
            described.add(render(node, clusterVars, clusterCommands, peers, clients));
        }
        return new ClusterFile(source, target, timing, commandTimeout, startTimeout, described);
    }

    /** What a node entry says, before its commands are rendered. */
    private record NodeFields(int id, String label, String host, HostPort client, HostPort peer, String dataDir,
                              CommandTemplate eventLog, Map<String, String> vars, Map<NodeAction, CommandTemplate> commands) {
    }

    private NodeFields nodeFields(JsonNode json, int index, String target) {
        String label = "nodes[" + index + "]";
        if (!json.isObject()) throw fail(label + ": expected an object");
        JsonNode idJson = json.get("id");
        if (idJson == null) throw fail(label + ": missing field 'id'");
        if (!idJson.isInt() || idJson.asInt() < 1) throw fail(label + ": id must be a positive integer, not " + idJson);
        int id = idJson.asInt();
        label = "node " + id;
        rejectUnknownFields(json, NODE_FIELDS, label + ": ");
        HostPort client = hostPort(json, "client", label, true);
        HostPort peer = hostPort(json, "peer", label, target.equals("kvnode"));
        String host = json.has("host") ? requiredText(json, "host", label + ": ") : client.host();
        String dataDir = json.has("dataDir") ? requiredText(json, "dataDir", label + ": ") : null;
        CommandTemplate eventLog = json.has("eventLog") ? CommandTemplate.parse(requiredText(json, "eventLog", label + ": ")) : null;
        return new NodeFields(id, label, host, client, peer, dataDir, eventLog, vars(json.get("vars"), label + ": "),
                commands(json.get("commands"), label + ": "));
    }

    private void rejectDuplicates(List<NodeFields> nodes) {
        Map<Integer, NodeFields> byId = new HashMap<>();
        Map<HostPort, NodeFields> byAddress = new HashMap<>();
        for (NodeFields node : nodes) {
            if (byId.putIfAbsent(node.id, node) != null) throw fail("node " + node.id + ": duplicate id");
            for (HostPort address : node.peer == null ? List.of(node.client) : List.of(node.client, node.peer)) {
                NodeFields other = byAddress.putIfAbsent(address, node);
                if (other != null) {
                    throw fail(node.label + ": address " + address + " is also "
                            + (other == node ? "its own other address" : other.label + "'s"));
                }
            }
        }
    }

    private DescribedNode render(NodeFields node, Map<String, String> clusterVars, Map<NodeAction, CommandTemplate> clusterCommands,
                                 String peers, String clients) {
        Map<String, String> values = new HashMap<>();
        values.put("id", Integer.toString(node.id));
        values.put("host", node.host);
        values.put("client", node.client.toString());
        values.put("clientHost", node.client.host());
        values.put("clientPort", Integer.toString(node.client.port()));
        if (node.peer != null) {
            values.put("peer", node.peer.toString());
            values.put("peerHost", node.peer.host());
            values.put("peerPort", Integer.toString(node.peer.port()));
            values.put("peers", peers);
        }
        if (node.dataDir != null) values.put("dataDir", node.dataDir);
        values.put("clients", clients);
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
            if (BUILT_IN_PLACEHOLDERS.contains(name)) {
                String field = name.startsWith("peer") ? "peer" : name;
                boolean absent = name.equals("eventLog") ? node.eventLog == null : !name.startsWith("peer") || node.peer == null;
                throw fail(node.label + ": " + what + " uses {" + name + "} but "
                        + (absent ? "the node has no " + field : "it is not available there"));
            }
            throw fail(node.label + ": " + what + " has unknown placeholder {" + name + "}; known: "
                    + String.join(", ", new TreeSet<>(values.keySet())) + " (add it to vars, or write {{" + name + "}} for literal braces)");
        }
        return template.render(values);
    }

    private ClusterTiming timing(JsonNode root) {
        JsonNode json = root.get("timing");
        if (json == null) throw fail("missing field 'timing' (electionTimeoutMinMillis, electionTimeoutMaxMillis, heartbeatMillis)");
        if (!json.isObject()) throw fail("'timing' must be an object");
        rejectUnknownFields(json, TIMING_FIELDS, "timing: ");
        int min = requiredPositiveInt(json, "electionTimeoutMinMillis", "timing: ");
        int max = requiredPositiveInt(json, "electionTimeoutMaxMillis", "timing: ");
        int heartbeat = requiredPositiveInt(json, "heartbeatMillis", "timing: ");
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
            if (BUILT_IN_PLACEHOLDERS.contains(name)) throw fail(where + "vars: '" + name + "' is a built-in placeholder");
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
