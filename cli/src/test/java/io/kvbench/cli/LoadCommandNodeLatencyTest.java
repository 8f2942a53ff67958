package io.kvbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.node.NodeLatencies;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kvbench load's lines and node-latency.json from the nodes' own histograms. */
class LoadCommandNodeLatencyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    private static ObjectNode status(int nodeId, String walCommits, String leaderWrites) {
        ObjectNode status = JSON.createObjectNode().put("nodeId", nodeId);
        status.putObject("latencyHistograms").put("walCommitMicros", walCommits).put("leaderWriteMicros", leaderWrites);
        return status;
    }

    private static String histogram(long micros, int count) {
        Histogram histogram = new Histogram(60_000_000L, 2);
        histogram.recordValueWithCount(micros, count);
        return NodeLatencies.encode(histogram);
    }

    @Test
    void printsTheLeaderAndEachNodesCommitsAndWritesThemBesideTheRun() throws Exception {
        ArrayNode before = JSON.createArrayNode().add(status(1, histogram(1, 0), histogram(1, 0)));
        ArrayNode after = JSON.createArrayNode().add(status(1, histogram(210, 900), histogram(450, 1000)));

        String printed = printed(before, after);

        // 450 and 210 us, to the histograms' two significant digits (a value reads back as the top of its bucket).
        assertThat(printed).contains("inside the nodes, over the measured span:")
                .containsPattern("leader \\(node 1\\) write, decoded to reply: p50 45\\d us, p99 45\\d us, max 45\\d us \\(1000\\)")
                .containsPattern("node 1 WAL commit \\(write \\+ fsync\\): p50 21\\d us, p99 21\\d us, max 21\\d us \\(900\\)");
        JsonNode written = JSON.readTree(Files.readString(out.resolve("node-latency.json")));
        assertThat(written.path("leaderWriteMicros").path("count").asLong()).isEqualTo(1000);
        assertThat(written.path("leaderWriteMicros").path("p50Micros").asLong()).isBetween(450L, 455L);
        assertThat(written.path("walCommitMicros").get(0).path("count").asLong()).isEqualTo(900);
    }

    @Test
    void aGarbledHistogramIsReportedNotThrown() throws Exception {
        ArrayNode before = JSON.createArrayNode().add(status(1, "not base64 at all", histogram(1, 0)));
        ArrayNode after = JSON.createArrayNode().add(status(1, histogram(210, 900), histogram(450, 1000)));

        assertThat(printed(before, after)).contains("in-node latency: not read (not an encoded histogram");
        assertThat(out.resolve("node-latency.json")).doesNotExist();
    }

    @Test
    void nodesWithoutHistogramsGetNoLinesAndNoFile() throws Exception {
        ArrayNode statuses = JSON.createArrayNode().add(JSON.createObjectNode().put("nodeId", 1));
        assertThat(printed(statuses, statuses)).isEmpty();
        assertThat(out.resolve("node-latency.json")).doesNotExist();
    }

    private String printed(ArrayNode before, ArrayNode after) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            LoadCommand.reportNodeLatencies(before, after, out);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
