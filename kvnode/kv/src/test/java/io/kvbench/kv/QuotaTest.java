package io.kvbench.kv;

import static io.kvbench.kv.LogDriver.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand.Cas;
import io.kvbench.kv.KvCommand.Delete;
import io.kvbench.kv.KvCommand.Get;
import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvResult.QuotaExceeded;
import io.kvbench.kv.KvResult.Written;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, finding 1, in the state machine: it counts the bytes it holds and refuses, when it applies the entry,
 * a write that would take it over the quota the leader stamped on that entry. Reads go on, deletes are accepted at
 * the quota and free space, a refused write stays refused for its retries, and replicas count alike.
 */
class QuotaTest {
    private static final int VALUE_BYTES = 1000;
    private static final long QUOTA = 10_000;

    private static byte[] value(int fill) {
        byte[] value = new byte[VALUE_BYTES];
        Arrays.fill(value, (byte) fill);
        return value;
    }

    /** Fills a store with distinct keys until the quota refuses one; returns the refusal. */
    private static QuotaExceeded fillUntilRefused(LogDriver log, long client, long[] seq) {
        for (int i = 0; i < 100; i++) {
            long s = seq[0]++;
            KvResult result = log.submit(new Put(client, s, s, "k" + i, value(i)));
            if (result instanceof QuotaExceeded refused) return refused;
            assertThat(result).isInstanceOf(Written.class);
        }
        throw new AssertionError("never refused");
    }

    @Test
    void aWriteThatWouldExceedTheQuotaIsRefusedAndNotApplied() {
        LogDriver log = LogDriver.withAudit(4, 60_000, 1024).withQuota(QUOTA);
        long client = log.register();
        long[] seq = {1};
        QuotaExceeded refused = fillUntilRefused(log, client, seq);

        assertThat(refused.quotaBytes()).isEqualTo(QUOTA);
        assertThat(refused.usedBytes() + refused.neededBytes()).isGreaterThan(QUOTA);
        assertThat(refused.usedBytes()).isLessThanOrEqualTo(QUOTA);
        long refusedSeq = seq[0] - 1;
        assertThat(log.machine.timesApplied(client, refusedSeq)).isZero();
        assertThat(log.machine.keyCount()).isEqualTo((int) (refusedSeq - 1));
        assertThat(log.machine.quotaRefusals()).isEqualTo(1);
        // Reads are not writes: answered as before.
        assertThat(log.submit(new Get("k0"))).isEqualTo(new KvResult.Value(value(0)));
    }

    @Test
    void aRetryOfARefusedWriteGetsTheSameRefusalEvenOnceThereIsRoom() {
        LogDriver log = LogDriver.withAudit(4, 60_000, 1024).withQuota(QUOTA);
        long client = log.register();
        long[] seq = {1};
        QuotaExceeded refused = fillUntilRefused(log, client, seq);
        long refusedSeq = seq[0] - 1;
        long other = log.register();
        for (int i = 0; i < 5; i++) assertThat(log.submit(new Delete(other, i + 1, i + 1, "k" + i))).isInstanceOf(Written.class);

        // The same (client, seq) again, as a retry would send it: the stored answer, not an application (§6.3).
        KvResult retry = log.submit(new Put(client, refusedSeq, refusedSeq, "k" + (refusedSeq - 1), value(1)));
        assertThat(retry).isEqualTo(refused);
        assertThat(log.machine.timesApplied(client, refusedSeq)).isZero();
    }

    @Test
    void deletesAreAcceptedAtTheQuotaAndFreeSpaceOnceTheClientHasTheirReplies() {
        LogDriver log = LogDriver.withAudit(4, 60_000, 1024).withQuota(QUOTA);
        long client = log.register();
        long[] seq = {1};
        fillUntilRefused(log, client, seq);
        long atQuota = log.machine.sizeBytes();

        long d1 = seq[0]++;
        long d2 = seq[0]++;
        assertThat(log.submit(new Delete(client, d1, d1, "k0"))).isEqualTo(new Written(value(0)));
        assertThat(log.submit(new Delete(client, d2, d1, "k1"))).isEqualTo(new Written(value(1)));
        // Until the client says it has the deletes' replies (their deleted values), they are held for its retries.
        assertThat(log.machine.sizeBytes()).isGreaterThan(atQuota - 2L * VALUE_BYTES);
        long put = seq[0]++;
        KvResult result = log.submit(new Put(client, put, put, "new", value(9)));
        assertThat(result).isEqualTo(new Written(null));
        assertThat(log.machine.read("new")).contains(value(9));
        assertThat(log.machine.sizeBytes()).isLessThan(atQuota);
    }

    @Test
    void aCompareAndSetIsJudgedByWhatItWouldAdd() {
        LogDriver log = LogDriver.withAudit(4, 60_000, 1024).withQuota(QUOTA);
        long client = log.register();
        long[] seq = {1};
        fillUntilRefused(log, client, seq);
        // One that fails would store the current value in its reply: refused at the quota like a put.
        long s = seq[0]++;
        assertThat(log.submit(new Cas(client, s, s, "k1", value(7), value(8)))).isInstanceOf(QuotaExceeded.class);
        // One that deletes frees space: accepted.
        s = seq[0]++;
        assertThat(log.submit(new Cas(client, s, s, "k0", value(0), null))).isEqualTo(new KvResult.CasResult(true, null));
        assertThat(log.machine.read("k0")).isEmpty();
    }

    @Test
    void withoutAStampedQuotaNothingIsRefused() {
        LogDriver log = LogDriver.withAudit(4, 60_000, 1024);
        long client = log.register();
        for (long s = 1; s <= 50; s++) {
            assertThat(log.submit(new Put(client, s, s, "k" + s, value((int) s)))).isInstanceOf(Written.class);
        }
        assertThat(log.machine.sizeBytes()).isGreaterThan(50L * VALUE_BYTES);
    }

    @Test
    void theCountIsKeysValuesSessionsAndStoredRepliesWithFixedOverheadsAndSurvivesASnapshot() {
        LogDriver log = LogDriver.withAudit(4, 60_000, 1024);
        long client = log.register();
        long session = StateSizes.SESSION_OVERHEAD_BYTES;
        assertThat(log.machine.sizeBytes()).isEqualTo(session);

        log.submit(new Put(client, 1, 1, "k", value(1)));
        long key = StateSizes.KEY_OVERHEAD_BYTES + 1 + VALUE_BYTES;
        long emptyReply = StateSizes.REPLY_OVERHEAD_BYTES; // Written(null)
        assertThat(log.machine.sizeBytes()).isEqualTo(session + emptyReply + key);

        // The client acknowledges seq 1; the overwrite's reply holds the value it replaced.
        log.submit(new Put(client, 2, 2, "k", value(2)));
        long replyWithValue = StateSizes.REPLY_OVERHEAD_BYTES + VALUE_BYTES;
        assertThat(log.machine.sizeBytes()).isEqualTo(session + replyWithValue + key);

        KvStateMachine restored = KvStateMachine.restore(log.machine.snapshot());
        assertThat(restored.sizeBytes()).isEqualTo(log.machine.sizeBytes());
    }
}
