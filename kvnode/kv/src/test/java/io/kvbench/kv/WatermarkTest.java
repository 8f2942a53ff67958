package io.kvbench.kv;

import static io.kvbench.kv.LogDriver.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvResult.SequenceTooOld;
import io.kvbench.kv.KvResult.TooManyPending;
import io.kvbench.kv.KvResult.Written;
import org.junit.jupiter.api.Test;

/** §6.3: a write's firstUnackedSeq lets the session discard replies the client will never ask for again. */
class WatermarkTest {

    @Test
    void raisingTheWatermarkDiscardsOlderRepliesAndTheirRetriesAreTooOld() {
        LogDriver log = LogDriver.withAudit(16, 60_000, 64);
        long client = log.register();
        log.submit(new Put(client, 1, 1, "k", bytes("1")));
        log.submit(new Put(client, 2, 1, "k", bytes("2")));
        log.submit(new Put(client, 3, 3, "k", bytes("3")));

        KvResult retry = log.submit(new Put(client, 2, 1, "k", bytes("2")));

        assertThat(retry).isEqualTo(new SequenceTooOld(client, 2, 3));
        assertThat(log.machine.timesApplied(client, 2)).isEqualTo(1);
        assertThat(log.machine.read("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("3")));
    }

    @Test
    void aDelayedRetryWithAnOlderWatermarkDoesNotLowerIt() {
        LogDriver log = LogDriver.withAudit(16, 60_000, 64);
        long client = log.register();
        log.submit(new Put(client, 1, 1, "k", bytes("1")));
        log.submit(new Put(client, 2, 1, "k", bytes("2")));
        log.submit(new Put(client, 3, 2, "k", bytes("3")));

        assertThat(log.submit(new Put(client, 2, 1, "k", bytes("2")))).isEqualTo(new Written(bytes("1")));
        assertThat(log.submit(new Put(client, 1, 1, "k", bytes("1")))).isEqualTo(new SequenceTooOld(client, 1, 2));
    }

    @Test
    void aSessionHoldsAtMostTheLimitOfUnacknowledgedReplies() {
        LogDriver log = LogDriver.withAudit(16, 60_000, 2);
        long client = log.register();
        log.submit(new Put(client, 1, 1, "k", bytes("1")));
        log.submit(new Put(client, 2, 1, "k", bytes("2")));

        assertThat(log.submit(new Put(client, 3, 1, "k", bytes("3")))).isEqualTo(new TooManyPending(client, 2));
        assertThat(log.machine.timesApplied(client, 3)).isZero();

        // Once the client acknowledges seq 1 there is room, and seq 3 is applied for the first time.
        assertThat(log.submit(new Put(client, 3, 2, "k", bytes("3")))).isEqualTo(new Written(bytes("2")));
        assertThat(log.machine.timesApplied(client, 3)).isEqualTo(1);
    }

    @Test
    void aRetryIsAnsweredFromItsStoredReplyEvenWhenThePendingLimitIsReached() {
        LogDriver log = LogDriver.withAudit(16, 60_000, 2);
        long client = log.register();
        log.submit(new Put(client, 1, 1, "k", bytes("1")));
        log.submit(new Put(client, 2, 1, "k", bytes("2")));

        assertThat(log.submit(new Put(client, 2, 1, "k", bytes("2")))).isEqualTo(new Written(bytes("1")));
    }
}
