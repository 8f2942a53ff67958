package io.kvbench.chaos.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads kvnode event logs (JSON lines) for role changes; a torn last line (SIGKILL mid-write) is skipped. */
public final class EventLogReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One role change: node, System.nanoTime of the change, role, term, known leader. */
    public record RoleEvent(int node, long monoNanos, String role, long term, int leader) {
    }

    private EventLogReader() {
    }

    public static List<RoleEvent> roleEvents(Path eventLog) throws IOException {
        List<RoleEvent> events = new ArrayList<>();
        for (JsonNode node : entries(eventLog)) {
            if (!"role".equals(node.path("event").asText())) continue;
            events.add(new RoleEvent(node.path("node").asInt(), node.path("mono_ns").asLong(), node.path("role").asText(),
                    node.path("term").asLong(), node.path("leader").asInt()));
        }
        return events;
    }

    /**
     * A node event other than a role change: {@code peer_closed} (a peer's connection to this node closed; {@code
     * peer}, and {@code leader} = this node's leader then) or {@code leader_ready} (this node, leading {@code term},
     * committed the term's first entry). Absent fields are -1.
     */
    public record NodeEvent(int node, long monoNanos, String kind, long term, int peer, int leader) {
    }

    /** Every event of the given kinds in one log, in file order. */
    public static List<NodeEvent> events(Path eventLog, Set<String> kinds) throws IOException {
        List<NodeEvent> events = new ArrayList<>();
        for (JsonNode node : entries(eventLog)) {
            String kind = node.path("event").asText();
            if (!kinds.contains(kind)) continue;
            events.add(new NodeEvent(node.path("node").asInt(), node.path("mono_ns").asLong(), kind,
                    node.path("term").asLong(-1), node.path("peer").asInt(-1), node.path("leader").asInt(-1)));
        }
        return events;
    }

    /** Every parseable line of the log, in order; none if it does not exist. */
    private static List<JsonNode> entries(Path eventLog) throws IOException {
        List<JsonNode> entries = new ArrayList<>();
        if (!Files.exists(eventLog)) return entries;
        for (String line : Files.readAllLines(eventLog, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            try {
                entries.add(JSON.readTree(line));
            } catch (IOException torn) {
                // the last line of a SIGKILLed node may be half written
            }
        }
        return entries;
    }

    /** The earliest event with this role, a term above {@code aboveTerm}, at or after {@code fromNanos}. */
    public static Optional<RoleEvent> first(List<RoleEvent> events, String role, long aboveTerm, long fromNanos) {
        RoleEvent best = null;
        for (RoleEvent event : events) {
            if (event.role().equals(role) && event.term() > aboveTerm && event.monoNanos() - fromNanos >= 0
                    && (best == null || event.monoNanos() < best.monoNanos())) {
                best = event;
            }
        }
        return Optional.ofNullable(best);
    }
}
