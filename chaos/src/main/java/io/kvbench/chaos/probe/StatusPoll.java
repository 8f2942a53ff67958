package io.kvbench.chaos.probe;

/**
 * One answer to a status poll ({@code /v3/maintenance/status}): which node, when the request left and when its
 * answer arrived ({@link System#nanoTime()}), whether the member named itself leader, and its {@code raft_term}.
 * etcd's {@code raft_term} is the term of the last entry it applied (etcdserver sets it in apply), so a new leader
 * shows its new term once it has committed and applied its term's first entry: leader-ready, not elected.
 */
public record StatusPoll(int node, long sentNanos, long answeredNanos, boolean leadsItself, long appliedTerm) {
}
