package io.kvbench.bench.kvnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.node.NodeLatencies;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class NodeLatencyReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A histogram of {@code count} values of {@code micros} each. */
    private static Histogram values(long micros, int count) {
        Histogram histogram = new Histogram(60_000_000L, 2);
        histogram.recordValueWithCount(micros, count);
        return histogram;
    }

    private static Histogram plus(Histogram a, Histogram b) {
        Histogram sum = a.copy();
        sum.add(b);
        return sum;
    }

    private static ObjectNode status(int nodeId, Histogram walCommits, Histogram leaderWrites) {
        return status(nodeId, 1_000, walCommits, leaderWrites);
    }

    private static ObjectNode status(int nodeId, long startedWallMillis, Histogram walCommits, Histogram leaderWrites) {
        ObjectNode status = JSON.createObjectNode();
        status.put("nodeId", nodeId);
        status.put("startedWallMillis", startedWallMillis);
        ObjectNode histograms = status.putObject("latencyHistograms");
        histograms.put("walCommitMicros", NodeLatencies.encode(walCommits));
        histograms.put("leaderWriteMicros", NodeLatencies.encode(leaderWrites));
        histograms.put("replicationMicros", NodeLatencies.encode(leaderWrites)); // the leader's appends, as many
        return status;
    }

    @Test
    void onlyWhatWasRecordedBetweenTheTwoReadingsCounts() {
        Histogram earlyCommits = values(5_000, 100); // slow commits before the span: must not show
        Histogram spanCommits = values(200, 50);
        ArrayNode before = JSON.createArrayNode().add(status(1, earlyCommits, values(1, 0)))
                .add(status(2, earlyCommits, values(9_000, 10)));
        ArrayNode after = JSON.createArrayNode().add(status(1, plus(earlyCommits, spanCommits), values(1, 0)))
                .add(status(2, plus(earlyCommits, spanCommits), plus(values(9_000, 10), values(450, 40))));

        NodeLatencyReport report = NodeLatencyReport.between(before, after);

        assertThat(report.walCommits()).hasSize(2).allSatisfy(span -> {
            assertThat(span.count()).isEqualTo(50);
            assertThat(span.p99Micros()).isBetween(198L, 202L);
        });
        assertThat(report.leaderWrites()).hasValueSatisfying(span -> {
            assertThat(span.nodeId()).isEqualTo(2);
            assertThat(span.count()).isEqualTo(40);
            assertThat(span.maxMicros()).isBetween(445L, 455L);
        });
        assertThat(report.describe()).first().asString().startsWith("leader (node 2) write");
        assertThat(report.replication()).hasValueSatisfying(span -> assertThat(span.nodeId()).isEqualTo(2));
        assertThat(report.describe().get(1)).startsWith("leader (node 2) entries sent to first follower's ack");
    }

    @Test
    void theLeaderIsTheNodeThatAnsweredTheMostWrites() {
        ArrayNode before = JSON.createArrayNode().add(status(1, values(1, 0), values(1, 0)))
                .add(status(2, values(1, 0), values(1, 0)));
        // A leader change in the span: node 1 answered 5 writes, node 2 the other 95.
        ArrayNode after = JSON.createArrayNode().add(status(1, values(100, 1), values(300, 5)))
                .add(status(2, values(100, 1), values(400, 95)));

        assertThat(NodeLatencyReport.between(before, after).leaderWrites().orElseThrow().nodeId()).isEqualTo(2);
    }

    @Test
    void aRestartedNodeAndANodeWithoutHistogramsAreLeftOut() {
        ArrayNode before = JSON.createArrayNode().add(status(1, values(100, 30), values(1, 0)))
                .add(JSON.createObjectNode().put("nodeId", 2));
        // Node 1 restarted: its counts began again, lower than before; node 2 is an older build.
        ArrayNode after = JSON.createArrayNode().add(status(1, values(100, 3), values(1, 0)))
                .add(JSON.createObjectNode().put("nodeId", 2));

        NodeLatencyReport report = NodeLatencyReport.between(before, after);

        assertThat(report.walCommits()).isEmpty();
        assertThat(report.leaderWrites()).isEmpty();
        assertThat(report.describe()).isEmpty();
    }

    @Test
    void aNodeRestartedInBetweenIsLeftOutEvenWithMoreRecordedSince() {
        ArrayNode before = JSON.createArrayNode().add(status(1, 1_000, values(100, 30), values(300, 30)));
        // Restarted at 2,000 and busier since: 50 commits, but not 20 of them in this span.
        ArrayNode after = JSON.createArrayNode().add(status(1, 2_000, values(100, 50), values(300, 50)));

        assertThat(NodeLatencyReport.between(before, after).walCommits()).isEmpty();
        assertThat(NodeLatencyReport.between(before, after).leaderWrites()).isEmpty();
    }

    @Test
    void countsThatCannotFollowTheEarlierReadingAreLeftOut() {
        // Same start time (an older node reports none), more in total, but fewer at 100 us: not one run.
        ArrayNode before = JSON.createArrayNode().add(status(1, 0, values(100, 30), values(1, 0)));
        ArrayNode after = JSON.createArrayNode().add(status(1, 0, values(900, 50), values(1, 0)));

        assertThat(NodeLatencyReport.between(before, after).walCommits()).isEmpty();
    }

    @Test
    void readingsOfDifferentClustersAreRefused() {
        ArrayNode one = JSON.createArrayNode().add(status(1, values(1, 1), values(1, 1)));
        ArrayNode two = JSON.createArrayNode().add(status(1, values(1, 1), values(1, 1))).add(status(2, values(1, 1), values(1, 1)));
        assertThatThrownBy(() -> NodeLatencyReport.between(one, two)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 and 2 nodes");
    }
}
