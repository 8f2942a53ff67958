package io.kvbench.kv;

import static io.kvbench.kv.LogDriver.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand.Cas;
import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvResult.CasResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cas swaps only when the key holds exactly the expected value; null expected means "absent". */
class CompareAndSetTest {
    private final LogDriver log = LogDriver.withAudit(4, 60_000, 64);
    private long client;
    private long seq;

    @BeforeEach
    void register() {
        client = log.register();
    }

    private KvResult cas(String key, byte[] expected, byte[] newValue) {
        seq++;
        return log.submit(new Cas(client, seq, seq, key, expected, newValue));
    }

    private void put(String key, byte[] value) {
        seq++;
        log.submit(new Put(client, seq, seq, key, value));
    }

    @Test
    void expectingAbsenceCreatesAnAbsentKey() {
        assertThat(cas("k", null, bytes("v"))).isEqualTo(new CasResult(true, bytes("v")));
        assertThat(log.machine.read("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v")));
    }

    @Test
    void expectingAbsenceFailsOnAPresentKeyAndReportsItsValue() {
        put("k", bytes("there"));
        assertThat(cas("k", null, bytes("v"))).isEqualTo(new CasResult(false, bytes("there")));
        assertThat(log.machine.read("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("there")));
    }

    @Test
    void expectingAValueFailsOnAnAbsentKey() {
        assertThat(cas("k", bytes("v"), bytes("w"))).isEqualTo(new CasResult(false, null));
        assertThat(log.machine.read("k")).isEmpty();
    }

    @Test
    void anEmptyValueIsNotAbsence() {
        assertThat(cas("k", new byte[0], bytes("w"))).isEqualTo(new CasResult(false, null));
        put("k", new byte[0]);
        assertThat(cas("k", null, bytes("w"))).isEqualTo(new CasResult(false, new byte[0]));
        assertThat(cas("k", new byte[0], bytes("w"))).isEqualTo(new CasResult(true, bytes("w")));
    }

    @Test
    void aMatchingValueIsSwapped() {
        put("k", bytes("old"));
        assertThat(cas("k", bytes("old"), bytes("new"))).isEqualTo(new CasResult(true, bytes("new")));
        assertThat(log.machine.read("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("new")));
    }

    @Test
    void aMismatchLeavesTheValueAndReportsIt() {
        put("k", bytes("actual"));
        assertThat(cas("k", bytes("expected"), bytes("new"))).isEqualTo(new CasResult(false, bytes("actual")));
        assertThat(log.machine.read("k")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("actual")));
    }

    @Test
    void aNullNewValueDeletesOnMatch() {
        put("k", bytes("old"));
        assertThat(cas("k", bytes("old"), null)).isEqualTo(new CasResult(true, null));
        assertThat(log.machine.read("k")).isEmpty();
        assertThat(log.machine.keyCount()).isZero();
    }
}
