package io.kvbench.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvbench.wal.Wal;
import io.kvbench.wal.WalOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code kvbench node-rebuild}: a fresh data directory for a node whose storage was lost or damaged (it refuses to
 * start on a damaged hard state), from which it rejoins without voting twice in a term. See {@link RebuildPlan} for
 * the rule and docs/storage-recovery.md for the whole procedure.
 */
@Command(name = "rebuild", mixinStandardHelpOptions = true, version = "kvnode 0.11",
        description = {"Prepare an empty data directory for a node whose storage was lost or damaged, so that it "
                + "rejoins without voting twice in a term (docs/storage-recovery.md).",
                "Stop the node (it refuses while something listens at the node's client address) and move its damaged"
                        + " data directory aside first; every other member must be running, and each status must carry"
                        + " nodeId, clusterId, term and lastIndex. "
                        + "Then start the node with kvnode run as before: the leader sends it the log.",
                "Exit 0 when the directory was prepared; 1 when the node still listens, a member did not answer or gave an"
                        + " incomplete status, or the write failed; 2 on bad usage."})
public final class RebuildCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How the other members' statuses are asked. The node module has no client (kvbench composes both): {@code
     * kvbench node-rebuild} asks each member at its client address; tests may ask in-process nodes directly. The
     * command reads the answers itself, so every source gets the same checks.
     */
    @FunctionalInterface
    public interface MemberStatusSource {
        /**
         * Each member's status JSON by id, as {@code kvbench client status} prints it; an IOException naming the
         * member that did not answer within the timeout.
         */
        Map<Integer, String> statusJson(Map<Integer, InetSocketAddress> members, Duration timeout) throws IOException;
    }

    private final MemberStatusSource statusSource;

    public RebuildCommand(MemberStatusSource statusSource) {
        this.statusSource = statusSource;
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--id", required = true, description = "The node being rebuilt.")
    int nodeId;

    @Option(names = "--cluster-id", defaultValue = "kvbench", description = "Its cluster, checked in every member's status (default: ${DEFAULT-VALUE}).")
    String clusterId;

    @Option(names = "--clients", required = true, split = ",", paramLabel = "ID=HOST:PORT[,ID=HOST:PORT...]", hideParamSyntax = true,
            converter = {CommandLine.UseDefaultConverter.class, NodeAddressConverter.class},
            description = "Every node's client address, this one's included, as for kvnode run: 1=127.0.0.1:8001,...")
    Map<Integer, InetSocketAddress> clients;

    @Option(names = "--data-dir", required = true, description = "The new data directory: absent or empty.")
    Path dataDirectory;

    @Option(names = "--timeout-ms", defaultValue = "5000", description = "How long to wait for each member's status (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Override
    public Integer call() {
        if (timeoutMillis <= 0) throw new IllegalArgumentException("--timeout-ms must be positive: " + timeoutMillis);
        Map<Integer, InetSocketAddress> addresses = KvNodeMain.checkedIds("--clients", clients);
        if (!addresses.containsKey(nodeId)) {
            throw new IllegalArgumentException("--clients must include this node's own id " + nodeId);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listening(addresses.get(nodeId))) {
            // Two processes with one id would each vote and acknowledge as that node: the old one must be gone.
            err.println(spec.qualifiedName() + ": something still listens at node " + nodeId + "'s client address "
                    + addresses.get(nodeId) + ": stop node " + nodeId + " before rebuilding it");
            return 1;
        }
        Map<Integer, RebuildPlan.MemberStatus> statuses;
        try {
            statuses = memberStatuses(addresses);
        } catch (IOException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            return 1;
        }
        RebuildPlan plan;
        try {
            plan = RebuildPlan.of(nodeId, clusterId, new ArrayList<>(addresses.keySet()), statuses);
        } catch (IllegalArgumentException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            return 1;
        }
        try {
            Wal.createRebuilt(dataDirectory, plan.hardState(), plan.voteFenceIndex(), WalOptions.defaults());
        } catch (IOException e) {
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            return 1;
        }
        out.printf("rebuilt node %d in %s: it grants no vote in term %d or before, and none until its log reaches index %d"
                        + " (members: %s); start it with kvnode run as before%n", nodeId, dataDirectory,
                plan.hardState().term(), plan.voteFenceIndex(), describe(statuses));
        return 0;
    }

    /** Something accepts connections at the node's own client address: the old process may still run. */
    private boolean listening(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) Math.min(timeoutMillis, 1_000));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Every other member's status, asked through the injected source and read here, whatever the source: a member
     * that does not answer, or answers without a field the plan needs, fails the rebuild with a line naming it.
     */
    private Map<Integer, RebuildPlan.MemberStatus> memberStatuses(Map<Integer, InetSocketAddress> addresses) throws IOException {
        Map<Integer, InetSocketAddress> others = new TreeMap<>(addresses);
        others.remove(nodeId);
        Map<Integer, String> answers = statusSource.statusJson(others, Duration.ofMillis(timeoutMillis));
        Map<Integer, RebuildPlan.MemberStatus> statuses = new TreeMap<>();
        for (Map.Entry<Integer, InetSocketAddress> member : others.entrySet()) {
            String json = answers.get(member.getKey());
            if (json == null) continue; // RebuildPlan names a member that gave no status
            try {
                statuses.put(member.getKey(), parse(json));
            } catch (IOException e) {
                throw new IOException("node " + member.getKey() + " at " + member.getValue() + ": " + e.getMessage(), e);
            }
        }
        return statuses;
    }

    /**
     * The fields the plan needs, each required: a missing {@code lastIndex} read as 0 would set no fence at all (a
     * member of another version, a status that changed shape).
     */
    static RebuildPlan.MemberStatus parse(String statusJson) throws IOException {
        JsonNode status;
        try {
            status = JSON.readTree(statusJson);
        } catch (JsonProcessingException e) {
            throw new IOException("its status is not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (status == null || !status.isObject()) throw new IOException("its status is not a JSON object");
        for (String field : List.of("nodeId", "term", "lastIndex")) {
            if (!status.path(field).isIntegralNumber()) {
                throw new IOException("its status has no numeric '" + field + "'");
            }
        }
        if (!status.path("clusterId").isTextual()) throw new IOException("its status has no 'clusterId'");
        return new RebuildPlan.MemberStatus(status.path("nodeId").asInt(), status.path("clusterId").asText(),
                status.path("term").asLong(), status.path("lastIndex").asLong());
    }

    private static String describe(Map<Integer, RebuildPlan.MemberStatus> statuses) {
        List<String> parts = new ArrayList<>();
        statuses.forEach((id, status) -> parts.add(id + " at term " + status.term() + ", last index " + status.lastIndex()));
        return String.join("; ", parts);
    }
}
