package io.kvbench.raft;

/** The roles of Figure 2 plus the pre-vote round of the dissertation (§9.6). */
public enum Role {
    FOLLOWER,
    /** Asking whether it could win an election, without raising its term (dissertation §9.6). */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
