package io.kvbench.raft;

/**
 * Rules the core, or the driver that runs it (kvnode/driver's {@code ReplicaDriver}), can be told to break on
 * purpose, so the simulation can prove it would catch the bug (a mutation check). Never set outside tests:
 * {@link RaftCore#breakRuleForTesting(Mutation)} and the driver's {@code breakRuleForTesting}; each ignores the
 * other's rules.
 */
public enum Mutation {
    NONE,
    /** Grant votes without the §5.4.1 up-to-date check. */
    SKIP_UP_TO_DATE_CHECK,
    /** Commit by counting replicas of an entry from an earlier term (the Figure 8 bug, §5.4.2). */
    COMMIT_PREVIOUS_TERM_BY_COUNTING,
    /** Acknowledge appends before they are durable (a follower that lies about fsync). */
    ACK_BEFORE_PERSIST,
    /** A candidate counts its own vote before its term and vote are durable (and may lead on it). */
    SELF_VOTE_BEFORE_PERSIST,
    /**
     * The driver sends a Ready's after-persist messages (votes, append acknowledgements) with its other messages,
     * before storage made the Ready durable: the runtime's version of {@link #ACK_BEFORE_PERSIST}.
     */
    SEND_BEFORE_PERSIST,
    /**
     * The driver answers a confirmed read before its state machine has applied the read index (§6.4), from state
     * that may miss writes acknowledged before the read began.
     */
    REPLY_BEFORE_APPLY,
    /**
     * The driver judges every write against its own node's quota instead of the one the leader stamped on the entry:
     * replicas configured differently would refuse different writes and diverge.
     */
    QUOTA_FROM_OWN_CONFIG,
    /** A rebuilt node votes and campaigns before its log reaches its vote fence (docs/storage-recovery.md). */
    IGNORE_VOTE_FENCE
}
