package io.kvbench.kv;

/**
 * A command as proposed to the log: the leader stamps its own clock on it so that session expiry is driven
 * by the log, identically on every replica, never by a replica's own clock (§6.3).
 */
public record ProposedCommand(long leaderTimeMillis, KvCommand command) {
    public ProposedCommand {
        if (leaderTimeMillis < 0) throw new IllegalArgumentException("leaderTimeMillis is negative: " + leaderTimeMillis);
        if (command == null) throw new IllegalArgumentException("command is null");
    }
}
