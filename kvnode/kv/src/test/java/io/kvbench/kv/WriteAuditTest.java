package io.kvbench.kv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The audit's totals are what a chaos harness reads from each node's status to check exactly-once. */
class WriteAuditTest {

    @Test
    void countsEveryApplicationBeyondTheFirst() {
        WriteAudit audit = new WriteAudit();
        audit.recordApplied(7, 1);
        audit.recordApplied(7, 2);
        audit.recordApplied(8, 1);
        assertThat(audit.distinctWrites()).isEqualTo(3);
        assertThat(audit.repeatApplications()).isZero();

        audit.recordApplied(7, 2);
        audit.recordApplied(7, 2);

        assertThat(audit.distinctWrites()).isEqualTo(3);
        assertThat(audit.repeatApplications()).isEqualTo(2);
        assertThat(audit.timesApplied(7, 2)).isEqualTo(3);
    }

    @Test
    void repeatsSurviveASnapshotRoundTrip() {
        WriteAudit audit = new WriteAudit();
        audit.recordApplied(1, 1);
        audit.recordApplied(1, 1);
        audit.recordApplied(2, 5);
        WireWriter out = new WireWriter(64);
        audit.writeTo(out);

        WriteAudit restored = new WriteAudit();
        restored.readFrom(new WireReader(out.toByteArray(), IllegalArgumentException::new));

        assertThat(restored.distinctWrites()).isEqualTo(2);
        assertThat(restored.repeatApplications()).isEqualTo(1);
        restored.recordApplied(2, 5);
        assertThat(restored.repeatApplications()).isEqualTo(2);
    }
}
