package io.kvbench.chaos.campaign;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The builder puts each named figure in its own component (eleven of them are doubles in a row). */
class TrialRecordTest {
    @Test
    void everyFigureLandsInTheComponentOfItsName() {
        TrialRecord record = TrialRecord.builder().trial(7, 77L, FaultKind.PAUSE_LEADER, 2)
                .leaders(1, 10, 3, 11).faultNanos(1_000, 2_000).faultCommandMillis(0.5).faultStartSeconds(1.5)
                .recoveredSeconds(2.5).faultToDetectMillis(3.5).faultToCandidateMillis(4.5).faultToLeaderMillis(5.5)
                .faultToLeaderErrorMillis(6.5).faultToLeaderReadyMillis(7.5).faultToFirstAckMillis(8.5)
                .faultToFirstCheckedAckMillis(9.5).leaderFromEventLog(true).writes(12, 13).recovered(true)
                .probe(14, 15.5, 16.5, 17).build();

        // read back by component name, not by position
        assertThat(record).extracting("trial", "seed", "fault", "victim", "oldLeader", "oldTerm", "newLeader", "newTerm")
                .containsExactly(7, 77L, FaultKind.PAUSE_LEADER, 2, 1, 10L, 3, 11L);
        assertThat(record).extracting("faultNanos", "healNanos", "faultCommandMillis", "faultStartSeconds", "recoveredSeconds")
                .containsExactly(1_000L, 2_000L, 0.5, 1.5, 2.5);
        assertThat(record).extracting("faultToDetectMillis", "faultToCandidateMillis", "faultToLeaderMillis",
                        "faultToLeaderErrorMillis", "faultToLeaderReadyMillis", "faultToFirstAckMillis", "faultToFirstCheckedAckMillis")
                .containsExactly(3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5);
        assertThat(record).extracting("leaderFromEventLog", "writesFailed", "writesTimedOut", "recovered")
                .containsExactly(true, 12L, 13L, true);
        assertThat(record).extracting("probeWrites", "probeMaxGapMillis", "probeCpuMillis", "probeFreshConnections")
                .containsExactly(14, 15.5, 16.5, 17);
        assertThat(record.termsElapsed()).isEqualTo(1);
        assertThat(record.duringFault(1_500)).isTrue();
        assertThat(record.duringFault(2_000)).isFalse();
    }

    @Test
    void unsetFiguresAreUnmeasuredAndATrialIsRequired() {
        TrialRecord record = TrialRecord.builder().trial(1, 0, FaultKind.KILL_LEADER, 1).build();
        assertThat(record.faultToLeaderMillis()).isNaN();
        assertThat(record.faultToFirstAckMillis()).isNaN();
        assertThat(record.newLeader()).isEqualTo(-1);
        assertThat(record.termsElapsed()).isEqualTo(-1);
        assertThat(record.probeWrites()).isZero();
        assertThatThrownBy(() -> TrialRecord.builder().build()).isInstanceOf(IllegalStateException.class);
    }
}
