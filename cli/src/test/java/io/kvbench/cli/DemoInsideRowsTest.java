package io.kvbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.bench.kvnode.NodeLatencyReport;
import io.kvbench.node.NodeLatencies;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The demo's summary rows from the nodes' histograms: the leader's share and the slowest node's disk. */
class DemoInsideRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String histogram(long micros, int count) {
        Histogram histogram = new Histogram(60_000_000L, 2);
        histogram.recordValueWithCount(micros, count);
        return NodeLatencies.encode(histogram);
    }

    private static ObjectNode status(int nodeId, String walCommits, String leaderWrites) {
        ObjectNode status = JSON.createObjectNode().put("nodeId", nodeId).put("startedWallMillis", 1);
        status.putObject("latencyHistograms").put("walCommitMicros", walCommits).put("leaderWriteMicros", leaderWrites);
        return status;
    }

    @Test
    void theLeadersShareAndTheSlowestNodesCommitsAreRows() {
        String none = histogram(1, 0);
        ArrayNode before = JSON.createArrayNode().add(status(1, none, none)).add(status(2, none, none)).add(status(3, none, none));
        ArrayNode after = JSON.createArrayNode()
                .add(status(1, histogram(150, 100), none))
                .add(status(2, histogram(5_000, 100), histogram(700, 100))) // the leader, and a stalled disk
                .add(status(3, histogram(160, 100), none));

        String rows = String.join("", DemoCommand.insideRows(NodeLatencyReport.between(before, after)));

        assertThat(rows).containsPattern("of which inside the leader p50/p99 +70\\d / 70\\d us \\(node 2\\)")
                .containsPattern("WAL commit p50/p99/max, slowest node +50\\d\\d / 50\\d\\d / 50\\d\\d us \\(node 2\\)");
    }

    @Test
    void nodesWithoutHistogramsGiveNoRows() {
        ArrayNode statuses = JSON.createArrayNode().add(JSON.createObjectNode().put("nodeId", 1));
        assertThat(DemoCommand.insideRows(NodeLatencyReport.between(statuses, statuses))).isEmpty();
    }

    @Test
    void theSlowestNodeIsTheOneWithTheLongestCommitNotTheHighestP99() {
        String none = histogram(1, 0);
        Histogram oneStall = new Histogram(60_000_000L, 2);
        oneStall.recordValueWithCount(100, 99);
        oneStall.recordValue(270_000); // one stalled fsync: every write queued behind it waited
        ArrayNode before = JSON.createArrayNode().add(status(1, none, none)).add(status(3, none, none));
        ArrayNode after = JSON.createArrayNode().add(status(1, histogram(500, 100), histogram(600, 100)))
                .add(status(3, NodeLatencies.encode(oneStall), none));

        String rows = String.join("", DemoCommand.insideRows(NodeLatencyReport.between(before, after)));

        assertThat(rows).containsPattern("WAL commit p50/p99/max, slowest node +10\\d / 10\\d / 27\\d\\d\\d\\d us \\(node 3\\)");
    }
}
