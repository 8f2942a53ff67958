package io.kvbench.kv;

/**
 * A command as proposed to the log. The leader stamps its own clock on it so that session expiry is driven by the
 * log, identically on every replica, never by a replica's own clock (§6.3); and its quota, the bytes the replicated
 * state may hold, so that every replica judges a write against the same quota, whatever its own configuration
 * (docs/limits.md). {@code quotaBytes} 0 means none (a client's bytes before the leader stamps them, and tests).
 */
public record ProposedCommand(long leaderTimeMillis, long quotaBytes, KvCommand command) {
    public static final long NO_QUOTA = 0;

    public ProposedCommand {
        if (leaderTimeMillis < 0) throw new IllegalArgumentException("leaderTimeMillis is negative: " + leaderTimeMillis);
        if (quotaBytes < 0) throw new IllegalArgumentException("quotaBytes is negative: " + quotaBytes);
        if (command == null) throw new IllegalArgumentException("command is null");
    }

    /** A command with no quota stamped. */
    public ProposedCommand(long leaderTimeMillis, KvCommand command) {
        this(leaderTimeMillis, NO_QUOTA, command);
    }

    public boolean hasQuota() {
        return quotaBytes != NO_QUOTA;
    }
}
