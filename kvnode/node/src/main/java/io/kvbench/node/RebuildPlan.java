package io.kvbench.node;

import io.kvbench.raft.HardState;

import java.util.List;
import java.util.Map;

/**
 * How a node whose storage was lost or damaged starts again without voting twice in a term (docs/storage-
 * recovery.md), decided from the statuses of every other member, read after the node stopped:
 *
 * <ul>
 *   <li>its hard state is (the highest term any of them reports, a vote for itself). A term it voted in before the
 *   loss is one that the candidate it voted for had reached, and a node's term never goes back, so no term above
 *   that floor can have its old vote; in the floor term its vote is taken (for itself, which only its own candidacy
 *   counts) and lower terms are stale: it grants no vote in any term it may have voted in (§5.2);</li>
 *   <li>its vote fence is the highest last index any of them reports: the leader's log holds every entry it may have
 *   acknowledged, none beyond that index, and until its own log reaches it from a leader it grants no vote, so it
 *   cannot help elect a leader that lacks one of those entries (§5.4.1 relies on its log).</li>
 * </ul>
 *
 * @param nodeId       the node being rebuilt
 * @param hardState    its first hard state
 * @param voteFenceIndex the index its log must reach before it grants a vote
 */
public record RebuildPlan(int nodeId, HardState hardState, long voteFenceIndex) {

    /** What one other member reported. */
    public record MemberStatus(int nodeId, String clusterId, long term, long lastIndex) {
    }

    /**
     * @param members every other member's status, by the node id it was asked as
     * @throws IllegalArgumentException if a member is missing, answers for another id or cluster, or is the node itself
     */
    public static RebuildPlan of(int nodeId, String clusterId, List<Integer> memberIds, Map<Integer, MemberStatus> members) {
        if (!memberIds.contains(nodeId)) throw new IllegalArgumentException("node " + nodeId + " is not a member: " + memberIds);
        long floorTerm = 0;
        long fenceIndex = 0;
        for (int id : memberIds) {
            if (id == nodeId) continue;
            MemberStatus status = members.get(id);
            if (status == null) {
                throw new IllegalArgumentException("node " + id + " did not answer: every other member must be running,"
                        + " or a term only it has seen could be one node " + nodeId + " voted in");
            }
            if (status.nodeId() != id) {
                throw new IllegalArgumentException("the address given for node " + id + " answered as node " + status.nodeId());
            }
            if (!status.clusterId().equals(clusterId)) {
                throw new IllegalArgumentException("node " + id + " belongs to cluster '" + status.clusterId()
                        + "', not '" + clusterId + "'");
            }
            floorTerm = Math.max(floorTerm, status.term());
            fenceIndex = Math.max(fenceIndex, status.lastIndex());
        }
        return new RebuildPlan(nodeId, new HardState(floorTerm, nodeId), fenceIndex);
    }
}
