package io.kvbench.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

/** Plays the consensus core in tests: encodes commands, stamps a leader time, applies them at rising indices. */
final class LogDriver {
    final KvStateMachine machine;
    private long nextIndex = 1;
    private long leaderTimeMillis;
    private long quotaBytes = ProposedCommand.NO_QUOTA;

    LogDriver(KvStateMachine machine) {
        this.machine = machine;
    }

    static LogDriver withAudit(int maxSessions, long sessionTimeoutMillis, int maxPendingRepliesPerSession) {
        return new LogDriver(KvStateMachine.withWriteAudit(maxSessions, sessionTimeoutMillis, maxPendingRepliesPerSession));
    }

    KvResult submit(KvCommand command) {
        return applyEncoded(KvCommandCodec.encode(new ProposedCommand(leaderTimeMillis, quotaBytes, command)));
    }

    /** Sets the quota the leader stamps on the next entries (0: none). */
    LogDriver withQuota(long bytes) {
        this.quotaBytes = bytes;
        return this;
    }

    KvResult applyEncoded(byte[] entryData) {
        return machine.apply(nextIndex++, entryData);
    }

    /** Sets the leader clock stamped on the next entries; it may go backward, as after a failover. */
    LogDriver atLeaderTime(long leaderTimeMillis) {
        this.leaderTimeMillis = leaderTimeMillis;
        return this;
    }

    long register() {
        long index = nextIndex;
        KvResult result = submit(new KvCommand.RegisterSession());
        assertThat(result).isEqualTo(new KvResult.SessionRegistered(index));
        return index;
    }

    long nextIndex() {
        return nextIndex;
    }

    void skipIndex() {
        machine.applyNoop(nextIndex++);
    }

    /** For a driver over a restored state machine: the next entry is at {@code index}. */
    void skipTo(long index) {
        nextIndex = index;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
