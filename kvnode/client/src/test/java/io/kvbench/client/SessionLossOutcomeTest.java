package io.kvbench.client;

import io.kvbench.kv.KvCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Issue 20, finding 5: a write whose reply was lost is retried; if meanwhile its session was evicted (the table is
 * full: 10,000 sessions by default, LRU) or expired, the retry is answered "session unknown". The first copy was
 * applied, so "not applied" (what the client said) is false: the outcome is unknown. Only when no other copy was
 * sent does "session unknown" prove the write was not applied. And a registration whose reply was lost, retried,
 * opens no second session.
 */
@Timeout(60)
class SessionLossOutcomeTest {
    /** An attempt that gets no reply is retried after 200 ms. */
    private static final KvClientOptions OPTIONS = KvClientOptions.defaults()
            .withAttemptTimeoutMillis(200).withOperationTimeoutMillis(10_000);

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) opened.get(i).close();
    }

    @Test
    void aRetryAnsweredSessionUnknownAfterTheTableFilledIsUnknownNotNotApplied() throws Exception {
        FakeCluster cluster = open(new FakeCluster(1, 0, 2, 3_600_000));
        KvClient client = connect(cluster);
        long clientId = client.clientId();
        // The put is applied and its reply lost; before its retry, two other clients register: the table holds two
        // sessions, so this client's, the least recently used, is evicted.
        loseTheReplyThenBeforeTheRetry(cluster, () -> {
            cluster.applyOnCore(new KvCommand.RegisterSession(), 0);
            cluster.applyOnCore(new KvCommand.RegisterSession(), 0);
        });

        SessionExpiredException failure = catchThrowableOfType(SessionExpiredException.class,
                () -> KvClient.await(client.put("k", bytes("v"))));

        assertThat(cluster.onCore(() -> cluster.stateMachine.timesApplied(clientId, 1))).as("the first copy was applied").isEqualTo(1);
        assertThat(failure.mayHaveBeenApplied()).isTrue();
        assertThat(failure).hasMessageContaining("the write may or may not have been applied").hasMessageNotContaining("; not applied");
    }

    @Test
    void aRetryAnsweredSessionUnknownAfterTheSessionExpiredIsUnknown() throws Exception {
        FakeCluster cluster = open(new FakeCluster(1, 0, 10, 1_000));
        KvClient client = connect(cluster);
        // Another client's entry stamped 10 s later: the log's clock passes this session's timeout.
        loseTheReplyThenBeforeTheRetry(cluster, () -> cluster.applyOnCore(new KvCommand.Get("other"), 10_000));

        SessionExpiredException failure = catchThrowableOfType(SessionExpiredException.class,
                () -> KvClient.await(client.put("k", bytes("v"))));

        assertThat(failure.mayHaveBeenApplied()).isTrue();
        assertThat(cluster.onCore(() -> cluster.stateMachine.sessionCount())).isZero();
    }

    @Test
    void sessionUnknownAnsweredToTheOnlyCopySentIsNotApplied() throws Exception {
        FakeCluster cluster = open(new FakeCluster(1, 0, 10, 1_000));
        KvClient client = connect(cluster);
        cluster.node(0).beforeNextApply.set(() -> cluster.applyOnCore(new KvCommand.Get("other"), 10_000));

        SessionExpiredException failure = catchThrowableOfType(SessionExpiredException.class,
                () -> KvClient.await(client.put("k", bytes("v"))));

        assertThat(failure.mayHaveBeenApplied()).isFalse();
        assertThat(failure).hasMessageContaining("; not applied");
        assertThat(client.stats().retries()).isZero();
    }

    @Test
    void aRegistrationWhoseReplyWasLostIsRetriedIntoTheSameSession() throws Exception {
        FakeCluster cluster = open(new FakeCluster(1, 0));
        cluster.node(0).dropRepliesAfterApply.set(1);

        KvClient client = connect(cluster);

        assertThat(client.stats().retries()).as("the registration was sent again").isPositive();
        assertThat(cluster.onCore(() -> cluster.stateMachine.sessionCount())).isEqualTo(1);
        assertThat(client.clientId()).isEqualTo(1);
        KvClient.await(client.put("k", bytes("v")));
    }

    @Test
    void onlyFailuresThatProveNothingWasAppliedSaySo() {
        assertThat(new KvException("the client is closed").mayHaveBeenApplied()).isTrue();
        assertThat(new KvTimeoutException("no answer").mayHaveBeenApplied()).isTrue();
        assertThat(new StorageFailedException("every node answered STORAGE_FAILED").mayHaveBeenApplied()).isTrue();
        assertThat(new KvRejectedException("MALFORMED").mayHaveBeenApplied()).isFalse();
        assertThat(new SessionExpiredException(3, "session 3 is unknown; not applied", false).mayHaveBeenApplied()).isFalse();
    }

    /**
     * The next command is applied and its reply dropped; {@code beforeRetry} then runs on the fake cluster's core just
     * before the next command after it (the retry, 200 ms later) is applied.
     */
    private static void loseTheReplyThenBeforeTheRetry(FakeCluster cluster, Runnable beforeRetry) {
        FakeCluster.FakeNode leader = cluster.node(0);
        leader.dropRepliesAfterApply.set(1);
        leader.beforeNextApply.set(() -> leader.beforeNextApply.set(beforeRetry));
    }

    private FakeCluster open(FakeCluster cluster) {
        opened.add(cluster);
        return cluster;
    }

    private KvClient connect(FakeCluster cluster) {
        KvClient client = KvClient.await(KvClient.connect(cluster.addresses(), OPTIONS));
        opened.add(client);
        return client;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
