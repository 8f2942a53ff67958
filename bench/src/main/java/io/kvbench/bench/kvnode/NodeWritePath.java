package io.kvbench.bench.kvnode;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The write path's hand-offs per acknowledged operation, from the {@code writePath} counters of two readings of the
 * nodes' statuses (issue 19): peer messages, socket flushes (write system calls) towards peers and clients, WAL
 * completion tasks and cross-thread wake-ups of the event loop, with the switches each node ran with. Written as
 * {@code write-path.csv} (docs/results-format.md) and printed, so an A/B of a switch shows what it changed beside the
 * CPU it cost.
 */
public final class NodeWritePath {
    static final List<String> COLUMNS = List.of("node", "role", "tick_ms", "tick_timer", "append_acks", "wal_commit",
            "operations", "peer_messages_per_op", "peer_flushes_per_op", "client_flushes_per_op",
            "wal_completion_tasks_per_op", "cross_thread_wakeups_per_op", "wal_loop_commits_per_op");
    private static final List<String> COUNTERS = List.of("peerMessagesSent", "peerSocketFlushes", "clientSocketFlushes",
            "walCompletionTasks", "crossThreadWakeups", "walLoopCommits");

    private NodeWritePath() {
    }

    /**
     * Writes {@code file} with one row per node that reports {@code writePath} in both readings (the same nodes in the
     * same order) and returns one line per row; nothing (no file) when no node reports it or {@code operations} is 0.
     */
    public static List<String> write(JsonNode before, JsonNode after, long operations, Path file) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        if (operations <= 0 || before.size() != after.size()) return lines;
        for (int index = 0; index < after.size(); index++) {
            JsonNode start = before.get(index).path("writePath");
            JsonNode end = after.get(index).path("writePath");
            if (!start.isObject() || !end.isObject()) continue;
            List<Object> row = new ArrayList<>(List.of(after.get(index).path("nodeId").asInt(),
                    after.get(index).path("role").asText(), end.path("tickMillis").asInt(), end.path("tickTimer").asText(),
                    end.path("appendAcks").asText(), end.path("walCommit").asText("wal-thread"), operations));
            for (String counter : COUNTERS) {
                row.add(String.format(Locale.ROOT, "%.3f",
                        (double) (end.path(counter).asLong() - start.path(counter).asLong()) / operations));
            }
            rows.add(row);
            lines.add(String.format(Locale.ROOT, "node %s (%s): peer messages %s, peer flushes %s, client flushes %s, "
                    + "WAL completion tasks %s, cross-thread wake-ups %s, commits on the event loop %s", row.get(0),
                    row.get(1), row.get(7), row.get(8), row.get(9), row.get(10), row.get(11), row.get(12)));
        }
        if (rows.isEmpty()) return lines;
        try (Writer writer = Files.newBufferedWriter(file);
             CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder()
                     .setHeader(COLUMNS.toArray(String[]::new)).setRecordSeparator("\n").get())) {
            for (List<Object> row : rows) printer.printRecord(row);
        }
        return lines;
    }
}
