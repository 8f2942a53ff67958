package io.kvbench.raft;

import io.kvbench.raft.Message.AppendResponse;
import io.kvbench.raft.Message.SnapshotChunk;
import io.kvbench.raft.Message.SnapshotChunkAck;
import io.kvbench.raft.Message.SnapshotRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core's side of chunked snapshot transfer and of the log's byte bound: the core handles the terms of chunks and
 * their acknowledgements like any message, keeps a follower whose transfer makes progress in SNAPSHOT, and refuses
 * proposals while its in-memory log holds too many bytes. The bytes themselves move in the driver (kvnode/driver).
 */
class SnapshotTransferCoreTest {
    /** A leader (1) that owes follower 3 its snapshot: 3 was down while entries were compacted away. */
    private static Cluster leaderOwingASnapshot() {
        return leaderOwingASnapshot(new java.util.ArrayList<>());
    }

    /** As above; {@code asked} collects every SnapshotRequest the leader sends (none is delivered). */
    private static Cluster leaderOwingASnapshot(java.util.List<Message> asked) {
        Cluster c = new Cluster(3);
        c.elect(1);
        c.crash(3);
        for (int i = 0; i < 5; i++) c.propose(1, "w" + i);
        c.stabilize();
        c.compact(1, c.core(1).appliedIndex());
        c.restart(3);
        c.drop(m -> m instanceof SnapshotRequest && asked.add(m)); // the driver would stream it; here it never arrives
        return c;
    }

    @Test
    @DisplayName("§7 a follower owed a snapshot shows it in the leader's progress, with the snapshot's index")
    void followerOwedASnapshotIsReportedInProgress() {
        Cluster c = leaderOwingASnapshot();
        c.advance(3 * Cluster.HEARTBEAT);
        FollowerProgress three = c.core(1).followerProgress().stream().filter(p -> p.followerId() == 3).findFirst().orElseThrow();
        assertThat(three.state()).isEqualTo("SNAPSHOT");
        assertThat(three.snapshotIndex()).isEqualTo(c.core(1).snapshot().lastIndex());
        assertThat(c.core(2).followerProgress()).isEmpty();
    }

    @Test
    @DisplayName("§7 chunk acknowledgements keep a transfer that outlasts an election timeout from restarting")
    void acknowledgedTransferIsNotRestarted() {
        java.util.List<Message> asked = new java.util.ArrayList<>();
        Cluster c = leaderOwingASnapshot(asked);
        c.advance(3 * Cluster.HEARTBEAT);
        Snapshot snapshot = c.core(1).snapshot();
        asked.clear();
        // Longer than the minimum election timeout, with an acknowledgement every tick: no new SnapshotRequest.
        for (int tick = 0; tick < 3 * Cluster.MAX; tick++) {
            c.core(1).step(new SnapshotChunkAck(3, 1, c.core(1).term(), snapshot, tick + 1));
            c.drain(1);
            c.advance(1);
        }
        assertThat(asked).isEmpty();
        assertThat(c.core(1).followerProgress().get(1).state()).isEqualTo("SNAPSHOT");
    }

    @Test
    @DisplayName("§7 without acknowledgements the leader asks for the snapshot again after an election timeout")
    void silentTransferIsAskedForAgain() {
        java.util.List<Message> asked = new java.util.ArrayList<>();
        Cluster c = leaderOwingASnapshot(asked);
        c.advance(3 * Cluster.HEARTBEAT);
        assertThat(asked).hasSize(1);
        c.advance(3 * Cluster.MAX);
        assertThat(asked).hasSizeGreaterThan(1);
    }

    @Test
    @DisplayName("§5.1 a chunk from a stale leader is answered with the current term; a newer leader's makes a follower")
    void chunksCarryTerms() {
        Cluster c = new Cluster(3);
        c.elect(1);
        long term = c.core(1).term();
        Snapshot snapshot = new Snapshot(10, 1);

        c.core(2).step(new SnapshotChunk(3, 2, term - 1, snapshot, 100, 0, new byte[10]));
        assertThat(c.take(2).messages(AppendResponse.class)).containsExactly(new AppendResponse(2, 3, term, false, 0, 0, 0));

        c.core(1).step(new SnapshotChunk(3, 1, term + 1, snapshot, 100, 0, new byte[10]));
        assertThat(c.core(1).role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.core(1).term()).isEqualTo(term + 1);
        assertThat(c.core(1).leaderId()).isEqualTo(3);
    }

    @Test
    @DisplayName("the leader refuses proposals while its in-memory log holds its byte limit, and takes them once compacted")
    void logByteLimitRefusesProposalsUntilCompaction() {
        Cluster c = new Cluster(3, config -> config.withMaxLogBytes(1000));
        c.elect(1);
        String value = "x".repeat(300);
        int accepted = 0;
        while (c.propose(1, value) instanceof ProposeResult.Accepted) {
            accepted++;
            c.stabilize();
        }
        assertThat(accepted).isBetween(2, 4);
        assertThat(c.core(1).logBytes()).isGreaterThanOrEqualTo(1000);
        ProposeResult refused = c.propose(1, value);
        assertThat(refused).isInstanceOf(ProposeResult.Dropped.class);
        assertThat(((ProposeResult.Dropped) refused).reason()).contains("in-memory log holds");

        c.compact(1, c.core(1).appliedIndex());
        assertThat(c.core(1).logBytes()).isZero();
        assertThat(c.propose(1, value)).isInstanceOf(ProposeResult.Accepted.class);
    }
}
