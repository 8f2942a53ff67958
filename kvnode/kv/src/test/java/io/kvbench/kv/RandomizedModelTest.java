package io.kvbench.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvbench.kv.KvCommand.Cas;
import io.kvbench.kv.KvCommand.Delete;
import io.kvbench.kv.KvCommand.Get;
import io.kvbench.kv.KvCommand.Put;
import io.kvbench.kv.KvCommand.RegisterSession;
import io.kvbench.kv.KvCommand.Write;
import io.kvbench.kv.KvResult.CasResult;
import io.kvbench.kv.KvResult.SequenceTooOld;
import io.kvbench.kv.KvResult.SessionRegistered;
import io.kvbench.kv.KvResult.Value;
import io.kvbench.kv.KvResult.Written;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pipelining clients that lose, retry, reorder and redeliver writes, checked against a plain map: every
 * reply matches the model, nothing is applied twice, and a replica that applies the decoded commands (as a leader
 * applies its own proposals) and restores from snapshots along the way ends byte-identical to one that applies the
 * entries' bytes and never restored. Seeded, so a failure names its seed and replays.
 */
class RandomizedModelTest {
    private static final int STEPS = 3_000;
    private static final int CLIENTS = 3;
    private static final int MAX_IN_FLIGHT = 8;
    private static final String[] KEYS = {"a", "b", "c", "d"};
    private static final byte[][] VALUES = {new byte[0], {1}, {2}, {3, 3}};

    static LongStream seeds() {
        return LongStream.range(0, 25);
    }

    /** One client as the model sees it: seqs awaiting a reply, and the reply each seq got when first applied. */
    private static final class ModelClient {
        long clientId;
        long nextSeq = 1;
        long watermark = 1;
        final TreeMap<Long, Write> unacked = new TreeMap<>();
        final Map<Long, KvResult> firstReplyBySeq = new HashMap<>();
        final List<Write> delivered = new ArrayList<>();

        long firstUnackedSeq() {
            return unacked.isEmpty() ? nextSeq : unacked.firstKey();
        }
    }

    private final TreeMap<String, byte[]> model = new TreeMap<>();
    private final List<ModelClient> clients = new ArrayList<>();
    private KvStateMachine neverRestored;
    private KvStateMachine restoredAlongTheWay;
    private long seed;
    private long index;
    private long modelAppliedWrites;
    private long tooOldSeen;
    private long duplicatesSeen;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void repliesMatchAPlainMapAndNoWriteIsAppliedTwice(long seed) {
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        neverRestored = KvStateMachine.withWriteAudit(CLIENTS, Long.MAX_VALUE / 4, 10_000);
        restoredAlongTheWay = KvStateMachine.withWriteAudit(CLIENTS, Long.MAX_VALUE / 4, 10_000);
        for (int i = 0; i < CLIENTS; i++) {
            ModelClient client = new ModelClient();
            client.clientId = ((SessionRegistered) submit(new RegisterSession())).clientId();
            clients.add(client);
        }

        for (int step = 0; step < STEPS; step++) {
            step(random, clients.get(random.nextInt(CLIENTS)));
        }

        assertThat(restoredAlongTheWay.snapshot()).as("seed %d", seed).isEqualTo(neverRestored.snapshot());
        assertThat(neverRestored.appliedWrites()).isEqualTo(modelAppliedWrites);
        assertThat(neverRestored.duplicateWritesSuppressed()).isEqualTo(duplicatesSeen).isPositive();
        assertThat(tooOldSeen).as("seed %d exercised the watermark", seed).isPositive();
        assertThat(neverRestored.keyCount()).isEqualTo(model.size());
        for (String key : KEYS) {
            assertThat(neverRestored.read(key).orElse(null)).isEqualTo(model.get(key));
        }
        for (ModelClient client : clients) {
            for (long seq = 1; seq < client.nextSeq; seq++) {
                long expected = client.firstReplyBySeq.containsKey(seq) ? 1 : 0;
                assertThat(restoredAlongTheWay.timesApplied(client.clientId, seq))
                        .as("seed %d: client %d seq %d", seed, client.clientId, seq).isEqualTo(expected);
            }
        }
    }

    private void step(SplittableRandom random, ModelClient client) {
        int choice = random.nextInt(100);
        if (choice < 35 && client.unacked.size() < MAX_IN_FLIGHT) {
            long seq = client.nextSeq++;
            client.unacked.put(seq, null); // awaited from now on, so it counts toward firstUnackedSeq
            Write write = randomWrite(random, client.clientId, seq, client.firstUnackedSeq());
            client.unacked.put(seq, write);
            if (random.nextInt(10) < 7) deliver(client, write); // otherwise lost with a leader, retried later
        } else if (choice < 60 && !client.unacked.isEmpty()) {
            deliver(client, retryWithCurrentWatermark(pick(random, client.unacked), client.firstUnackedSeq()));
        } else if (choice < 80) {
            List<Long> answered = new ArrayList<>(client.unacked.keySet());
            answered.removeIf(seq -> !client.firstReplyBySeq.containsKey(seq));
            if (!answered.isEmpty()) client.unacked.remove(answered.get(random.nextInt(answered.size())));
        } else if (choice < 92 && !client.delivered.isEmpty()) {
            // A stale copy from the network, still carrying the watermark it was sent with.
            deliver(client, client.delivered.get(random.nextInt(client.delivered.size())));
        } else if (choice < 96) {
            String key = KEYS[random.nextInt(KEYS.length)];
            assertThat(submit(new Get(key))).isEqualTo(new Value(model.get(key)));
        } else {
            restoredAlongTheWay = KvStateMachine.restore(restoredAlongTheWay.snapshot());
        }
    }

    /**
     * Both replicas apply the same entry and must give the same reply: one from the entry's bytes (a follower), the
     * other from the decoded command (a leader applying its own proposal).
     */
    private KvResult submit(KvCommand command) {
        index++;
        byte[] entry = KvCommandCodec.encode(command, index * 3);
        KvResult reply = neverRestored.apply(index, entry);
        assertThat(restoredAlongTheWay.apply(index, new ProposedCommand(index * 3, command)))
                .as("seed %d: replicas agree", seed).isEqualTo(reply);
        return reply;
    }

    private void deliver(ModelClient client, Write write) {
        client.watermark = Math.max(client.watermark, write.firstUnackedSeq());
        KvResult expected;
        if (write.seq() < client.watermark) {
            expected = new SequenceTooOld(client.clientId, write.seq(), client.watermark);
            tooOldSeen++;
        } else if (client.firstReplyBySeq.containsKey(write.seq())) {
            expected = client.firstReplyBySeq.get(write.seq());
            duplicatesSeen++;
        } else {
            expected = applyToModel(model, write);
            client.firstReplyBySeq.put(write.seq(), expected);
            modelAppliedWrites++;
        }
        assertThat(submit(write)).as("seed %d: %s", seed, write).isEqualTo(expected);
        client.delivered.add(write);
    }

    private static KvResult applyToModel(TreeMap<String, byte[]> model, Write write) {
        if (write instanceof Put put) return new Written(model.put(put.key(), put.value()));
        if (write instanceof Delete delete) return new Written(model.remove(delete.key()));
        Cas cas = (Cas) write;
        byte[] current = model.get(cas.key());
        boolean matches = cas.expected() == null ? current == null : Arrays.equals(current, cas.expected());
        if (!matches) return new CasResult(false, current);
        if (cas.newValue() == null) model.remove(cas.key());
        else model.put(cas.key(), cas.newValue());
        return new CasResult(true, cas.newValue());
    }

    private static Write randomWrite(SplittableRandom random, long clientId, long seq, long firstUnackedSeq) {
        String key = KEYS[random.nextInt(KEYS.length)];
        switch (random.nextInt(3)) {
            case 0:
                return new Put(clientId, seq, firstUnackedSeq, key, randomValue(random, false));
            case 1:
                return new Delete(clientId, seq, firstUnackedSeq, key);
            default:
                return new Cas(clientId, seq, firstUnackedSeq, key, randomValue(random, true), randomValue(random, true));
        }
    }

    private static byte[] randomValue(SplittableRandom random, boolean mayBeNull) {
        int choice = random.nextInt(VALUES.length + (mayBeNull ? 1 : 0));
        return choice == VALUES.length ? null : VALUES[choice].clone();
    }

    private static Write retryWithCurrentWatermark(Write write, long firstUnackedSeq) {
        if (write instanceof Put p) return new Put(p.clientId(), p.seq(), firstUnackedSeq, p.key(), p.value());
        if (write instanceof Delete d) return new Delete(d.clientId(), d.seq(), firstUnackedSeq, d.key());
        Cas c = (Cas) write;
        return new Cas(c.clientId(), c.seq(), firstUnackedSeq, c.key(), c.expected(), c.newValue());
    }

    private static Write pick(SplittableRandom random, TreeMap<Long, Write> unacked) {
        List<Write> writes = new ArrayList<>(unacked.values());
        return writes.get(random.nextInt(writes.size()));
    }
}
