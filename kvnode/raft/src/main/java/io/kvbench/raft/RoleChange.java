package io.kvbench.raft;

/** One role transition, in the order they happened, for the runtime's event log. */
public record RoleChange(Role role, long term, int leaderId) {
}
