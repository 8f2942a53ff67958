package io.kvbench.bench.kvnode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** write-path.csv: each node's write-path counters between two status readings, divided by the operations. */
class NodeWritePathTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private static ObjectNode status(int nodeId, String role, long peerMessages, long peerFlushes, long clientFlushes,
                                     long walTasks, long wakeups, long loopCommits) {
        ObjectNode status = JSON.createObjectNode().put("nodeId", nodeId).put("role", role);
        status.putObject("writePath").put("tickMillis", 1).put("tickTimer", "every-tick").put("appendAcks", "per-turn")
                .put("peerMessagesSent", peerMessages).put("peerSocketFlushes", peerFlushes)
                .put("clientSocketFlushes", clientFlushes).put("walCompletionTasks", walTasks).put("crossThreadWakeups", wakeups)
                .put("walCommit", "event-loop-when-idle").put("walLoopCommits", loopCommits);
        return status;
    }

    @Test
    void eachNodesCountersOverTheSpanArePerOperation() throws Exception {
        ArrayNode before = JSON.createArrayNode().add(status(1, "LEADER", 100, 90, 50, 40, 40, 0))
                .add(status(2, "FOLLOWER", 10, 10, 0, 5, 5, 7));
        ArrayNode after = JSON.createArrayNode().add(status(1, "LEADER", 300, 290, 150, 140, 130, 80))
                .add(status(2, "FOLLOWER", 60, 60, 0, 55, 50, 57));
        Path file = directory.resolve("write-path.csv");

        List<String> lines = NodeWritePath.write(before, after, 100, file);

        assertThat(Files.readAllLines(file)).containsExactly(String.join(",", NodeWritePath.COLUMNS),
                "1,LEADER,1,every-tick,per-turn,event-loop-when-idle,100,2.000,2.000,1.000,1.000,0.900,0.800",
                "2,FOLLOWER,1,every-tick,per-turn,event-loop-when-idle,100,0.500,0.500,0.000,0.500,0.450,0.500");
        assertThat(lines).containsExactly(
                "node 1 (LEADER): peer messages 2.000, peer flushes 2.000, client flushes 1.000, WAL completion tasks 1.000, "
                        + "cross-thread wake-ups 0.900, commits on the event loop 0.800",
                "node 2 (FOLLOWER): peer messages 0.500, peer flushes 0.500, client flushes 0.000, WAL completion tasks 0.500, "
                        + "cross-thread wake-ups 0.450, commits on the event loop 0.500");
    }

    @Test
    void nodesWithoutTheCountersWriteNothing() throws Exception {
        ArrayNode statuses = JSON.createArrayNode().add(JSON.createObjectNode().put("nodeId", 1));
        Path file = directory.resolve("write-path.csv");
        assertThat(NodeWritePath.write(statuses, statuses, 100, file)).isEmpty();
        assertThat(file).doesNotExist();
    }
}
