package io.kvbench.kv;

import static io.kvbench.kv.LogDriver.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand.Get;
import io.kvbench.kv.KvCommand.KeepAlive;
import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvCommand.RegisterSession;
import io.kvbench.kv.KvResult.KeptAlive;
import io.kvbench.kv.KvResult.SessionRegistered;
import io.kvbench.kv.KvResult.SessionUnknown;
import io.kvbench.kv.KvResult.Value;
import io.kvbench.kv.KvResult.Written;
import org.junit.jupiter.api.Test;

/** Sessions are registered through the log and expire or are evicted identically on every replica (§6.3). */
class SessionLifecycleTest {
    private static final long TIMEOUT_MILLIS = 1_000;

    @Test
    void theClientIdIsTheIndexOfTheRegisteringEntry() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8);
        log.skipIndex();
        log.skipIndex();

        assertThat(log.submit(new RegisterSession())).isEqualTo(new SessionRegistered(3));
        assertThat(log.machine.sessionCount()).isEqualTo(1);
    }

    @Test
    void aWriteOnAnUnregisteredSessionIsRejectedAndNotApplied() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8);

        assertThat(log.submit(new Put(42, 1, 1, "k", bytes("v")))).isEqualTo(new SessionUnknown(42));
        assertThat(log.submit(new KeepAlive(42))).isEqualTo(new SessionUnknown(42));
        assertThat(log.machine.keyCount()).isZero();
        assertThat(log.machine.appliedWrites()).isZero();
    }

    @Test
    void readsThroughTheLogNeedNoSession() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8);
        long client = log.register();
        log.submit(new Put(client, 1, 1, "k", bytes("v")));

        assertThat(log.submit(new Get("k"))).isEqualTo(new Value(bytes("v")));
        assertThat(log.submit(new Get("absent"))).isEqualTo(new Value(null));
    }

    @Test
    void aSessionUnusedForLongerThanTheTimeoutOfLogTimeExpires() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8).atLeaderTime(0);
        long client = log.register();

        log.atLeaderTime(TIMEOUT_MILLIS);
        assertThat(log.submit(new Put(client, 1, 1, "k", bytes("v")))).isInstanceOf(Written.class);

        log.atLeaderTime(2 * TIMEOUT_MILLIS + 1);
        assertThat(log.submit(new Put(client, 2, 1, "k", bytes("w")))).isEqualTo(new SessionUnknown(client));
        assertThat(log.machine.sessionCount()).isZero();
    }

    @Test
    void anyEntryAdvancesTheLogClockAndExpiresIdleSessions() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8).atLeaderTime(0);
        log.register();

        log.atLeaderTime(TIMEOUT_MILLIS + 1).submit(new Get("k"));

        assertThat(log.machine.sessionCount()).isZero();
    }

    @Test
    void keepAliveRefreshesASessionWithoutWriting() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8).atLeaderTime(0);
        long client = log.register();

        assertThat(log.atLeaderTime(900).submit(new KeepAlive(client))).isEqualTo(new KeptAlive());
        assertThat(log.atLeaderTime(1_800).submit(new KeepAlive(client))).isEqualTo(new KeptAlive());

        assertThat(log.atLeaderTime(2_700).submit(new Put(client, 1, 1, "k", bytes("v")))).isInstanceOf(Written.class);
        assertThat(log.machine.appliedWrites()).isEqualTo(1);
    }

    @Test
    void theLogClockNeverGoesBackwardWhenANewLeadersClockIsBehind() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8).atLeaderTime(0);
        long idle = log.register();
        log.atLeaderTime(5_000).submit(new Get("k"));
        assertThat(log.machine.sessionCount()).isZero();

        // The new leader's clock reads 100: the log clock stays at 5000 and nothing revives.
        log.atLeaderTime(100);
        long registeredUnderTheSlowLeader = log.register();
        assertThat(log.machine.clockMillis()).isEqualTo(5_000);
        assertThat(log.submit(new KeepAlive(idle))).isEqualTo(new SessionUnknown(idle));

        // The new session was stamped with the log clock (5000), not 100, so it lives until 6000.
        log.atLeaderTime(5_900).submit(new Get("k"));
        assertThat(log.submit(new KeepAlive(registeredUnderTheSlowLeader))).isEqualTo(new KeptAlive());
    }

    @Test
    void registeringBeyondTheLimitEvictsTheLeastRecentlyUsedSession() {
        LogDriver log = LogDriver.withAudit(2, TIMEOUT_MILLIS, 8);
        long older = log.register();
        long newer = log.register();
        log.submit(new KeepAlive(older));

        long newest = log.register();

        assertThat(log.machine.sessionCount()).isEqualTo(2);
        assertThat(log.submit(new KeepAlive(newer))).isEqualTo(new SessionUnknown(newer));
        assertThat(log.submit(new KeepAlive(older))).isEqualTo(new KeptAlive());
        assertThat(log.submit(new KeepAlive(newest))).isEqualTo(new KeptAlive());
    }

    /**
     * Issue 20, finding 5: RegisterSession was not idempotent. A client whose registration's reply was lost sends it
     * again; both copies reach the log, and each opened a session (a second one the client never learned of, taking a
     * slot of the bounded table). The registration id makes the retry find the session its first copy opened.
     */
    @Test
    void aRetriedRegistrationGetsTheSessionItsFirstCopyOpened() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8);
        RegisterSession registration = new RegisterSession(0x1234_5678_9abc_def0L);
        assertThat(log.submit(registration)).isEqualTo(new SessionRegistered(1));
        assertThat(log.submit(new Put(1, 1, 1, "k", bytes("v")))).isInstanceOf(Written.class);

        assertThat(log.submit(registration)).as("the retry's copy").isEqualTo(new SessionRegistered(1));
        assertThat(log.machine.sessionCount()).isEqualTo(1);
        // The same session, with its replies: a retried write is still answered from it.
        assertThat(log.submit(new Put(1, 1, 1, "k", bytes("v")))).isEqualTo(new Written(null));
        assertThat(log.machine.appliedWrites()).isEqualTo(1);

        // Across a snapshot too: every replica restoring from it answers the retry alike.
        LogDriver restored = new LogDriver(KvStateMachine.restore(log.machine.snapshot()));
        restored.skipTo(log.nextIndex());
        assertThat(restored.submit(registration)).isEqualTo(new SessionRegistered(1));
        assertThat(restored.machine.sessionCount()).isEqualTo(1);
    }

    @Test
    void aRetriedRegistrationCountsAsAUseOfItsSession() {
        LogDriver log = LogDriver.withAudit(2, TIMEOUT_MILLIS, 8);
        RegisterSession first = new RegisterSession(11);
        log.submit(first);
        long second = log.register();
        log.submit(first); // the retry: session 1 is now the more recently used

        long third = log.register();

        assertThat(log.submit(new KeepAlive(second))).as("the least recently used, evicted").isEqualTo(new SessionUnknown(second));
        assertThat(log.submit(new KeepAlive(1))).isEqualTo(new KeptAlive());
        assertThat(log.submit(new KeepAlive(third))).isEqualTo(new KeptAlive());
    }

    @Test
    void aRetriedRegistrationWhoseSessionIsGoneOpensANewOne() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8).atLeaderTime(0);
        RegisterSession registration = new RegisterSession(7);
        log.submit(registration);

        log.atLeaderTime(TIMEOUT_MILLIS + 1);
        long index = log.nextIndex();
        assertThat(log.submit(registration)).isEqualTo(new SessionRegistered(index));
        assertThat(log.machine.sessionCount()).isEqualTo(1);
    }

    @Test
    void registrationsWithoutAnIdEachOpenASession() {
        LogDriver log = LogDriver.withAudit(4, TIMEOUT_MILLIS, 8);

        assertThat(log.submit(new RegisterSession())).isEqualTo(new SessionRegistered(1));
        assertThat(log.submit(new RegisterSession())).isEqualTo(new SessionRegistered(2));
        assertThat(log.machine.sessionCount()).isEqualTo(2);
    }

    @Test
    void anEvictedClientThatRegistersAgainGetsAFreshSession() {
        LogDriver log = LogDriver.withAudit(1, TIMEOUT_MILLIS, 8);
        long first = log.register();
        log.register();

        long again = log.register();

        assertThat(again).isNotEqualTo(first);
        assertThat(log.submit(new Put(again, 1, 1, "k", bytes("v")))).isEqualTo(new Written(null));
        assertThat(log.submit(new Put(first, 1, 1, "k", bytes("v")))).isEqualTo(new SessionUnknown(first));
    }
}
