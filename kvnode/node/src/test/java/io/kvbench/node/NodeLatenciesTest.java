package io.kvbench.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class NodeLatenciesTest {
    @Test
    void whatIsRecordedComesBackFromTheEncodingInMicroseconds() {
        NodeLatencies latencies = new NodeLatencies();
        for (int i = 1; i <= 100; i++) latencies.recordWalCommit(TimeUnit.MICROSECONDS.toNanos(i * 10L));
        latencies.recordLeaderWrite(TimeUnit.MILLISECONDS.toNanos(3));

        Map<String, String> encoded = latencies.encoded();

        assertThat(encoded).containsOnlyKeys("walCommitMicros", "leaderWriteMicros", "replicationMicros");
        Histogram commits = NodeLatencies.decode(encoded.get("walCommitMicros"));
        assertThat(commits.getTotalCount()).isEqualTo(100);
        // Two significant digits: within 1 % of the recorded 500 and 990 us.
        assertThat(commits.getValueAtPercentile(50)).isBetween(495L, 505L);
        assertThat(commits.getValueAtPercentile(99)).isBetween(980L, 1000L);
        Histogram writes = NodeLatencies.decode(encoded.get("leaderWriteMicros"));
        assertThat(writes.getTotalCount()).isEqualTo(1);
        assertThat(writes.getMaxValue()).isBetween(2970L, 3030L);
    }

    @Test
    void anOutlierOrANegativeTimeIsClampedNotThrown() {
        NodeLatencies latencies = new NodeLatencies();
        latencies.recordWalCommit(TimeUnit.HOURS.toNanos(2)); // a disk that hung for two hours
        latencies.recordWalCommit(-5); // a clock that went backwards cannot, but a caller's arithmetic might

        Histogram commits = NodeLatencies.decode(latencies.encoded().get("walCommitMicros"));

        assertThat(commits.getTotalCount()).isEqualTo(2);
        assertThat(commits.getMinValue()).isZero();
        assertThat(commits.getMaxValue()).isBetween(NodeLatencies.HIGHEST_TRACKABLE_MICROS * 99 / 100,
                NodeLatencies.HIGHEST_TRACKABLE_MICROS * 101 / 100);
    }

    @Test
    void somethingElseIsNotReadAsAHistogram() {
        assertThatThrownBy(() -> NodeLatencies.decode("bm90IGEgaGlzdG9ncmFt"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an encoded histogram");
        assertThatThrownBy(() -> NodeLatencies.decode("%%%"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
