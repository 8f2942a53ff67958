package io.kvbench.node;

import io.kvbench.node.local.LocalCluster;
import io.kvbench.raft.Message;
import io.kvbench.raft.RaftCore;
import io.kvbench.raft.Ready;
import io.kvbench.wal.HardStateDamagedException;
import io.kvbench.wal.RecoveredState;
import io.kvbench.wal.Wal;
import io.kvbench.wal.WalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator's procedure of docs/storage-recovery.md, on three runtimes in one JVM: a follower whose hard state
 * is damaged refuses to start, {@code kvbench node-rebuild} prepares a fresh directory from the other members'
 * statuses, and the rebuilt node neither votes again in a term it may have voted in nor votes before its log holds
 * what it may have acknowledged; started, it catches up from the leader.
 */
@Timeout(90)
class RebuildTest {
    @TempDir
    Path directory;

    @Test
    void aRebuiltNodeDoesNotVoteTwiceInATermItMayHaveVotedIn() throws Exception {
        try (LocalCluster cluster = TestClusters.start(3, directory)) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(10)).nodeId();
            int victim = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
            int otherFollower = cluster.nodeIds().stream().filter(id -> id != leader && id != victim).findFirst().orElseThrow();
            TestClusters.awaitCondition(() -> cluster.runtime(victim).status().term() == cluster.runtime(leader).status().term()
                    && cluster.runtime(victim).status().leaderId() == leader, Duration.ofSeconds(10), "the victim to follow the leader");
            // The victim may have voted in this term (for the leader, or for the other follower had it campaigned).
            long votedTerm = cluster.runtime(victim).status().term();
            NodeConfig victimConfig = cluster.config(victim);
            cluster.kill(victim);

            // Both copies of its hard state damaged: its term and vote are lost, and it must not start.
            Path data = victimConfig.dataDirectory();
            flipByte(data.resolve("hardstate"), 8);
            flipByte(data.resolve("hardstate"), 4096 + 8);
            assertThatThrownBy(() -> NodeRuntime.start(victimConfig))
                    .isInstanceOf(HardStateDamagedException.class)
                    .hasMessageContaining(data.resolve("hardstate").toString())
                    .hasMessageContaining("both hard state copies are damaged");

            // The operator moves the damaged directory aside and rebuilds from the other members.
            Files.move(data, data.resolveSibling(data.getFileName() + ".damaged"));
            StringWriter out = new StringWriter();
            // kvbench node-rebuild asks each member for its status JSON over the client protocol; here, in-process.
            var command = new picocli.CommandLine(new RebuildCommand((members, timeout) -> {
                Map<Integer, String> statuses = new java.util.TreeMap<>();
                for (int id : members.keySet()) statuses.put(id, cluster.runtime(id).status().toJson());
                return statuses;
            }));
            command.setOut(new PrintWriter(out));
            int exitCode = command.execute( "--id", Integer.toString(victim), "--cluster-id", victimConfig.clusterId(),
                    "--clients", clientList(cluster), "--data-dir", data.toString());
            assertThat(exitCode).as(out.toString()).isZero();
            assertThat(out.toString()).contains("rebuilt node " + victim).contains("no vote in term " + votedTerm + " or before");

            long fenceIndex;
            try (Wal wal = Wal.open(data, WalOptions.defaults())) {
                RecoveredState rebuilt = wal.recoveredState();
                fenceIndex = rebuilt.voteFenceIndex();
                long leaderLastIndex = cluster.runtime(leader).status().lastIndex();
                assertThat(rebuilt.hardState().term()).isEqualTo(votedTerm);
                assertThat(rebuilt.voteFenceIndex()).isEqualTo(leaderLastIndex).isPositive();
                // The core the node starts with, on this storage (as NodeRuntime builds it).
                RaftCore core = new RaftCore(victimConfig.raftConfig(), new Random(1), rebuilt.hardState(),
                        rebuilt.snapshot(), rebuilt.entries(), rebuilt.voteFenceIndex());
                // The other follower campaigns in the term the victim may have voted in, with a log as long as any.
                core.step(new Message.VoteRequest(otherFollower, victim, votedTerm, leaderLastIndex, votedTerm, false, false));
                assertThat(voteResponses(core)).extracting(Message.VoteResponse::granted).containsExactly(false);
                // In the next term: still no vote until its log reaches what it may have acknowledged.
                core.step(new Message.VoteRequest(otherFollower, victim, votedTerm + 1, leaderLastIndex, votedTerm, false, false));
                assertThat(voteResponses(core)).extracting(Message.VoteResponse::granted).containsExactly(false);
                // Nor does it stand for election: its own vote could join one from a node lacking what it lost.
                for (int tick = 0; tick < 3 * victimConfig.raftConfig().electionTimeoutMaxTicks(); tick++) core.tick();
                assertThat(core.role()).isEqualTo(io.kvbench.raft.Role.FOLLOWER);
            }

            // Started, it follows the same leader and catches up to the leader's log.
            cluster.start(victim);
            long commitIndex = cluster.runtime(leader).status().commitIndex();
            // (The leader knew it had acknowledged them: only the rebuilt node's report of its shorter log makes the
            // leader send them again; RebuiltNodeTest has the rule.)
            TestClusters.awaitCondition(() -> cluster.runtime(victim).status().appliedIndex() >= commitIndex
                            && cluster.runtime(victim).status().lastIndex() >= fenceIndex,
                    Duration.ofSeconds(20), "the rebuilt node to catch up to index " + commitIndex + " and its fence " + fenceIndex);
            assertThat(cluster.runtime(victim).status().leaderId()).isEqualTo(leader);
            assertThat(cluster.runtime(leader).status().term()).isEqualTo(votedTerm);
        }
    }

    private static List<Message.VoteResponse> voteResponses(RaftCore core) {
        List<Message.VoteResponse> responses = new ArrayList<>();
        while (core.hasReady()) {
            Ready ready = core.ready();
            for (Message message : ready.messagesNow()) if (message instanceof Message.VoteResponse r) responses.add(r);
            for (Message message : ready.messagesAfterPersist()) if (message instanceof Message.VoteResponse r) responses.add(r);
            core.persisted(ready);
        }
        return responses;
    }

    private static String clientList(LocalCluster cluster) {
        return cluster.clientAddresses().entrySet().stream()
                .map((Map.Entry<Integer, java.net.InetSocketAddress> e) -> e.getKey() + "=127.0.0.1:" + e.getValue().getPort())
                .collect(Collectors.joining(","));
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5a));
            one.rewind();
            channel.write(one, offset);
        }
    }
}
