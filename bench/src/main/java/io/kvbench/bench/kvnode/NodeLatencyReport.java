package io.kvbench.bench.kvnode;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvbench.node.NodeLatencies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * The nodes' own latency histograms ({@code latencyHistograms} in a node's status, see {@link NodeLatencies})
 * between two readings of every node's status: where a write's time went inside the cluster while it was measured.
 * The leader's write time (decoded to reply) against the client's latency splits the client's stack and the network
 * from the cluster; each node's WAL commit time is what its disk took under this run's load (on one machine, with
 * the other nodes' fsyncs on the same disk).
 */
public final class NodeLatencyReport {
    /** One node's histogram over the span, summarized. */
    public record Span(int nodeId, long count, long p50Micros, long p99Micros, long maxMicros) {
        static Span of(int nodeId, Histogram histogram) {
            return new Span(nodeId, histogram.getTotalCount(), histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(99), histogram.getMaxValue());
        }

        String describe() {
            return "p50 " + p50Micros + " us, p99 " + p99Micros + " us, max " + maxMicros + " us (" + count + ")";
        }
    }

    private final Optional<Span> leaderWrites;
    private final Optional<Span> replication;
    private final List<Span> walCommits;

    private NodeLatencyReport(Optional<Span> leaderWrites, Optional<Span> replication, List<Span> walCommits) {
        this.leaderWrites = leaderWrites;
        this.replication = replication;
        this.walCommits = walCommits;
    }

    /**
     * From two JSON arrays of node statuses, node by node in the same order. Nodes whose statuses carry no
     * histograms (an older node) are left out; so is a node that restarted in between (a different
     * {@code startedWallMillis}, or counts that cannot be the later of the two).
     *
     * @throws IllegalArgumentException if the arrays differ in length or a histogram cannot be decoded
     */
    public static NodeLatencyReport between(JsonNode before, JsonNode after) {
        if (before.size() != after.size()) {
            throw new IllegalArgumentException("statuses of " + before.size() + " and " + after.size() + " nodes");
        }
        Span busiestLeader = null;
        Span busiestReplication = null;
        List<Span> walCommits = new ArrayList<>();
        for (int index = 0; index < before.size(); index++) {
            int nodeId = after.get(index).path("nodeId").asInt(index + 1);
            if (before.get(index).path("startedWallMillis").asLong(0) != after.get(index).path("startedWallMillis").asLong(0)) {
                continue; // restarted: its histograms began again
            }
            Optional<Histogram> writes = delta(before.get(index), after.get(index), "leaderWriteMicros");
            if (writes.isPresent() && writes.get().getTotalCount() > 0
                    && (busiestLeader == null || writes.get().getTotalCount() > busiestLeader.count())) {
                busiestLeader = Span.of(nodeId, writes.get());
            }
            Optional<Histogram> appends = delta(before.get(index), after.get(index), "replicationMicros");
            if (appends.isPresent() && appends.get().getTotalCount() > 0
                    && (busiestReplication == null || appends.get().getTotalCount() > busiestReplication.count())) {
                busiestReplication = Span.of(nodeId, appends.get());
            }
            delta(before.get(index), after.get(index), "walCommitMicros")
                    .ifPresent(commits -> walCommits.add(Span.of(nodeId, commits)));
        }
        return new NodeLatencyReport(Optional.ofNullable(busiestLeader), Optional.ofNullable(busiestReplication),
                List.copyOf(walCommits));
    }

    private static Optional<Histogram> delta(JsonNode before, JsonNode after, String name) {
        JsonNode earlier = before.path("latencyHistograms").path(name);
        JsonNode later = after.path("latencyHistograms").path(name);
        if (!earlier.isTextual() || !later.isTextual()) return Optional.empty();
        Histogram start = NodeLatencies.decode(earlier.asText());
        Histogram end = NodeLatencies.decode(later.asText());
        if (end.getTotalCount() < start.getTotalCount()) return Optional.empty(); // restarted: counts began again
        Histogram span = end.copy();
        try {
            span.subtract(start);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return Optional.empty(); // some value's count went down: not the same run of the node
        }
        return Optional.of(span);
    }

    /** The node that answered the most writes as leader (a leader change splits them), if any did. */
    public Optional<Span> leaderWrites() {
        return leaderWrites;
    }

    /**
     * The leader's replication, from first sending entries to a follower to the first follower's acknowledgement, on
     * the node that timed the most, if any did (after a leader change in the span, not necessarily the node of
     * {@link #leaderWrites()}).
     */
    public Optional<Span> replication() {
        return replication;
    }

    /** Each node's WAL commits, in the order of the statuses. */
    public List<Span> walCommits() {
        return walCommits;
    }

    /** Lines for a console or a log; empty when the statuses had no histograms. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        leaderWrites.ifPresent(span -> lines.add("leader (node " + span.nodeId() + ") write, decoded to reply: "
                + span.describe()));
        replication.ifPresent(span -> lines.add("leader (node " + span.nodeId() + ") entries sent to first follower's ack: "
                + span.describe()));
        for (Span span : walCommits) {
            if (span.count() > 0) lines.add("node " + span.nodeId() + " WAL commit (write + fsync): " + span.describe());
        }
        return lines;
    }

    /**
     * For a results file: {leaderWriteMicros: {...}, replicationMicros: {...}, walCommitMicros: [{...}, ...]}, every node read (a node with no
     * commits in the span too, unlike {@link #describe()}).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        leaderWrites.ifPresent(span -> map.put("leaderWriteMicros", span));
        replication.ifPresent(span -> map.put("replicationMicros", span));
        map.put("walCommitMicros", walCommits);
        return map;
    }
}
