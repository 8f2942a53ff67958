package io.kvbench.kv;

import static io.kvbench.kv.LogDriver.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvbench.kv.KvCommand.Cas;
import io.kvbench.kv.KvCommand.Delete;
import io.kvbench.kv.KvCommand.Get;
import io.kvbench.kv.KvCommand.KeepAlive;
import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvCommand.RegisterSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A snapshot is the whole replicated state: restoring it must give the same bytes and the same future. */
class SnapshotTest {
    private static final long TIMEOUT_MILLIS = 1_000;
    private static final byte[] NOOP = new byte[0];

    /** Entries covering data, several sessions, cached replies, a watermark, expiry and eviction. */
    static List<byte[]> history() {
        List<byte[]> entries = new ArrayList<>();
        entries.add(KvCommandCodec.encode(new RegisterSession(), 0));        // client 1
        entries.add(KvCommandCodec.encode(new RegisterSession(99), 10));     // client 2, registration 99
        entries.add(KvCommandCodec.encode(new Put(1, 1, 1, "b", bytes("1")), 20));
        entries.add(KvCommandCodec.encode(new Put(1, 2, 1, "a", bytes("2")), 30));
        entries.add(KvCommandCodec.encode(new Cas(2, 1, 1, "c", null, bytes("3")), 40));
        entries.add(KvCommandCodec.encode(new Put(1, 4, 2, "d", bytes("4")), 50));
        entries.add(KvCommandCodec.encode(new Delete(2, 2, 1, "a"), 60));
        entries.add(NOOP);                                                  // a new leader's no-op
        entries.add(new byte[] {7, 7, 7});                                  // rejected
        entries.add(KvCommandCodec.encode(new RegisterSession(), 70));      // client 10
        return entries;
    }

    /** Entries after the snapshot point: retries, a late seq, expiry, a new session and eviction. */
    static List<byte[]> future() {
        List<byte[]> entries = new ArrayList<>();
        entries.add(KvCommandCodec.encode(new Put(1, 2, 1, "a", bytes("2")), 80));      // duplicate
        entries.add(KvCommandCodec.encode(new Put(1, 1, 1, "b", bytes("1")), 90));      // too old
        entries.add(KvCommandCodec.encode(new Put(1, 3, 2, "e", bytes("5")), 100));     // late seq 3
        entries.add(KvCommandCodec.encode(new Get("c"), 60));                          // leader clock behind
        entries.add(KvCommandCodec.encode(new KeepAlive(10), 1_070));                  // expires client 2
        entries.add(KvCommandCodec.encode(new Cas(2, 3, 3, "c", bytes("3"), null), 1_075));
        entries.add(KvCommandCodec.encode(new RegisterSession(), 1_080));
        entries.add(KvCommandCodec.encode(new RegisterSession(), 1_085));               // evicts client 1
        entries.add(KvCommandCodec.encode(new Put(10, 1, 1, "f", bytes("6")), 1_090));
        return entries;
    }

    static KvStateMachine machineAfter(List<byte[]> entries) {
        KvStateMachine machine = KvStateMachine.withWriteAudit(3, TIMEOUT_MILLIS, 8);
        applyFrom(machine, entries);
        return machine;
    }

    static List<KvResult> applyFrom(KvStateMachine machine, List<byte[]> entries) {
        List<KvResult> results = new ArrayList<>();
        long index = machine.lastAppliedIndex();
        for (byte[] entry : entries) {
            index++;
            if (entry == NOOP) {
                machine.applyNoop(index);
            } else {
                results.add(machine.apply(index, entry));
            }
        }
        return results;
    }

    @Test
    void twoReplicasFedTheSameEntriesHaveIdenticalSnapshots() {
        assertThat(machineAfter(history()).snapshot()).isEqualTo(machineAfter(history()).snapshot());
    }

    @Test
    void aRestoredReplicaHasTheSameStateAndGivesTheSameFutureReplies() {
        KvStateMachine original = machineAfter(history());
        KvStateMachine restored = KvStateMachine.restore(original.snapshot());

        assertThat(restored.snapshot()).isEqualTo(original.snapshot());
        assertThat(restored.lastAppliedIndex()).isEqualTo(original.lastAppliedIndex());
        assertThat(restored.clockMillis()).isEqualTo(70);
        assertThat(restored.sessionCount()).isEqualTo(3);
        assertThat(restored.keyCount()).isEqualTo(original.keyCount());
        assertThat(restored.appliedWrites()).isEqualTo(original.appliedWrites());
        assertThat(restored.timesApplied(1, 2)).isEqualTo(1);

        List<KvResult> originalReplies = applyFrom(original, future());
        List<KvResult> restoredReplies = applyFrom(restored, future());

        assertThat(restoredReplies).isEqualTo(originalReplies);
        assertThat(originalReplies.get(0)).isEqualTo(new KvResult.Written(null));
        assertThat(originalReplies.get(1)).isEqualTo(new KvResult.SequenceTooOld(1, 1, 2));
        assertThat(originalReplies.get(5)).isEqualTo(new KvResult.SessionUnknown(2));
        assertThat(original.sessionCount()).isEqualTo(3);
        assertThat(originalReplies.get(8)).isEqualTo(new KvResult.Written(null));
        assertThat(applyFrom(original, List.of(KvCommandCodec.encode(new KeepAlive(1), 1_090))))
                .as("client 1 was the least recently used when the table was full")
                .containsExactly(new KvResult.SessionUnknown(1));
        applyFrom(restored, List.of(KvCommandCodec.encode(new KeepAlive(1), 1_090)));
        assertThat(original.read("f")).isPresent();
        assertThat(restored.snapshot()).isEqualTo(original.snapshot());
        assertThat(restored.timesApplied(1, 2)).isEqualTo(1);
    }

    @Test
    void aSnapshotWithoutTheAuditRestoresWithoutIt() {
        KvStateMachine plain = new KvStateMachine(3, TIMEOUT_MILLIS, 8);
        applyFrom(plain, history());
        KvStateMachine restored = KvStateMachine.restore(plain.snapshot());

        assertThat(restored.snapshot()).isEqualTo(plain.snapshot());
        assertThatThrownBy(() -> restored.timesApplied(1, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSnapshotOfAnEmptyMachineRestores() {
        KvStateMachine empty = new KvStateMachine(3, TIMEOUT_MILLIS, 8);
        assertThat(KvStateMachine.restore(empty.snapshot()).snapshot()).isEqualTo(empty.snapshot());
    }

    @Test
    void everyTruncatedOrExtendedSnapshotIsRefused() {
        byte[] snapshot = machineAfter(history()).snapshot();
        for (int length = 0; length < snapshot.length; length++) {
            byte[] truncated = Arrays.copyOf(snapshot, length);
            assertThatThrownBy(() -> KvStateMachine.restore(truncated))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("malformed snapshot: ");
        }
        assertThatThrownBy(() -> KvStateMachine.restore(Arrays.copyOf(snapshot, snapshot.length + 1)))
                .hasMessageContaining("1 trailing bytes after snapshot");
    }

    /** A version 1 snapshot (before registration ids) restores, its sessions with none. */
    @Test
    void aVersionOneSnapshotRestoresWithoutRegistrationIds() {
        KvStateMachine machine = KvStateMachine.withWriteAudit(3, TIMEOUT_MILLIS, 8);
        applyFrom(machine, List.of(KvCommandCodec.encode(new RegisterSession(), 0), KvCommandCodec.encode(new RegisterSession(), 5),
                KvCommandCodec.encode(new Put(1, 1, 1, "k", bytes("v")), 10)));

        KvStateMachine restored = KvStateMachine.restore(versionOne(machine.capture()));

        assertThat(restored.snapshot()).isEqualTo(machine.snapshot());
    }

    /** The layout of version 1, written here as it was: no registration id after each client id. */
    private static byte[] versionOne(KvStateCapture state) {
        WireWriter out = new WireWriter(256);
        out.writeByte(1);
        out.writeInt(state.maxSessions).writeLong(state.sessionTimeoutMillis).writeInt(state.maxPendingRepliesPerSession);
        out.writeBoolean(state.audit != null);
        out.writeLong(state.lastAppliedIndex).writeLong(state.clockMillis);
        out.writeLong(state.appliedWrites).writeLong(state.duplicateWritesSuppressed);
        out.writeInt(state.keys.length);
        for (int i = 0; i < state.keys.length; i++) out.writeBytes(KvLimits.keyBytes(state.keys[i])).writeBytes(state.values[i]);
        out.writeInt(state.sessions.size());
        for (KvStateCapture.SessionCopy session : state.sessions) {
            out.writeLong(session.clientId()).writeLong(session.lastUsedIndex()).writeLong(session.lastUsedMillis());
            out.writeLong(session.firstUnackedSeq()).writeInt(session.replies().length);
            for (int i = 0; i < session.replies().length; i++) {
                out.writeLong(session.replySeqs()[i]).writeBytes(KvResultCodec.encode(session.replies()[i]));
            }
        }
        if (state.audit != null) state.audit.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void aSnapshotThatBreaksAnInvariantIsRefused() {
        byte[] snapshot = machineAfter(history()).snapshot();
        byte[] tooManySessionsAllowed = snapshot.clone();
        tooManySessionsAllowed[4] = 0; // maxSessions 3 -> 0
        assertThatThrownBy(() -> KvStateMachine.restore(tooManySessionsAllowed)).hasMessageContaining("limits must be positive");

        byte[] wrongVersion = snapshot.clone();
        wrongVersion[0] = 3;
        assertThatThrownBy(() -> KvStateMachine.restore(wrongVersion)).hasMessageContaining("unsupported snapshot version 3");
    }
}
