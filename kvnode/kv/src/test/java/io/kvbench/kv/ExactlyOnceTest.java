package io.kvbench.kv;

import static io.kvbench.kv.LogDriver.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand.Cas;
import io.kvbench.kv.KvCommand.Delete;
import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvResult.CasResult;
import io.kvbench.kv.KvResult.Written;
import org.junit.jupiter.api.Test;

/** §6.3: each (clientId, seq) is applied at most once; a retry gets the reply stored the first time. */
class ExactlyOnceTest {
    private final LogDriver log = LogDriver.withAudit(16, 60_000, 64);

    @Test
    void retriedWriteReturnsTheStoredReplyAndIsNotAppliedAgain() {
        long client = log.register();
        assertThat(log.submit(new Put(client, 1, 1, "k", bytes("a")))).isEqualTo(new Written(null));
        assertThat(log.submit(new Put(client, 2, 1, "k", bytes("b")))).isEqualTo(new Written(bytes("a")));

        KvResult retry = log.submit(new Put(client, 1, 1, "k", bytes("a")));

        assertThat(retry).isEqualTo(new Written(null));
        assertThat(log.machine.read("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("b")));
        assertThat(log.machine.appliedWrites()).isEqualTo(2);
        assertThat(log.machine.duplicateWritesSuppressed()).isEqualTo(1);
        assertThat(log.machine.timesApplied(client, 1)).isEqualTo(1);
        assertThat(log.machine.writeAuditTotals()).hasValue(new WriteAuditTotals(2, 0));
    }

    @Test
    void writesAppliedOutOfSeqOrderAfterFailoverAreEachAppliedOnce() {
        long client = log.register();
        // seq 4 was lost with the old leader; seq 5 reached the new one first, then 4 was retried.
        assertThat(log.submit(new Put(client, 5, 4, "five", bytes("5")))).isEqualTo(new Written(null));
        assertThat(log.submit(new Put(client, 4, 4, "four", bytes("4")))).isEqualTo(new Written(null));
        assertThat(log.submit(new Put(client, 5, 4, "five", bytes("5")))).isEqualTo(new Written(null));
        assertThat(log.submit(new Put(client, 4, 4, "four", bytes("4")))).isEqualTo(new Written(null));

        assertThat(log.machine.timesApplied(client, 4)).isEqualTo(1);
        assertThat(log.machine.timesApplied(client, 5)).isEqualTo(1);
        assertThat(log.machine.appliedWrites()).isEqualTo(2);
        assertThat(log.machine.duplicateWritesSuppressed()).isEqualTo(2);
        assertThat(log.machine.keyCount()).isEqualTo(2);
    }

    @Test
    void retriedCasDoesNotSwapAgainEvenAfterTheValueChanged() {
        long client = log.register();
        Cas createIfAbsent = new Cas(client, 1, 1, "k", null, bytes("a"));
        assertThat(log.submit(createIfAbsent)).isEqualTo(new CasResult(true, bytes("a")));
        log.submit(new Delete(client, 2, 1, "k"));

        assertThat(log.submit(createIfAbsent)).isEqualTo(new CasResult(true, bytes("a")));
        assertThat(log.machine.read("k")).isEmpty();
    }

    @Test
    void sessionsDoNotShareSeqNumbers() {
        long first = log.register();
        long second = log.register();
        log.submit(new Put(first, 1, 1, "k", bytes("from first")));

        KvResult reply = log.submit(new Put(second, 1, 1, "k", bytes("from second")));

        assertThat(reply).isEqualTo(new Written(bytes("from first")));
        assertThat(log.machine.timesApplied(first, 1)).isEqualTo(1);
        assertThat(log.machine.timesApplied(second, 1)).isEqualTo(1);
    }

    @Test
    void aStoredReplyCannotBeChangedThroughTheReturnedResult() {
        long client = log.register();
        log.submit(new Put(client, 1, 1, "k", bytes("a")));
        Written reply = (Written) log.submit(new Put(client, 2, 1, "k", bytes("b")));
        reply.previousValue()[0] = 'z';

        assertThat(log.submit(new Put(client, 2, 1, "k", bytes("b")))).isEqualTo(new Written(bytes("a")));
    }
}
