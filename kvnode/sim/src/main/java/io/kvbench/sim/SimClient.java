package io.kvbench.sim;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvResult;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A simulated client: registers a session, then issues puts, deletes, compare-and-sets and linearizable reads, one
 * at a time, retrying each with the same (client id, sequence number) until it is answered.
 */
final class SimClient {
    static final int TIMEOUT_TICKS = 40;
    static final int KEYS = 5;

    final int index;
    long clientId;
    long nextSeq = 1;
    KvCommand awaiting;
    int targetId;
    long sentAt;
    long requestId;
    long invokeTime;
    long maxAckedIndexAtInvoke;
    private long registrations;

    SimClient(int index, Random random) {
        this.index = index;
    }

    KvCommand nextOperation(Random random, boolean healed) {
        // A registration id of its own (deterministic, unique per client and registration), kept by every retry, as the
        // real client's: a retry whose first copy was applied gets that session.
        if (clientId == 0) return new KvCommand.RegisterSession(((long) index + 1) << 32 | ++registrations);
        if (healed) return null;
        String key = "k" + random.nextInt(KEYS);
        long seq = nextSeq;
        int dice = random.nextInt(20);
        if (dice < 11) return new KvCommand.Put(clientId, seq, seq, key, value(seq));
        if (dice < 13) return new KvCommand.Delete(clientId, seq, seq, key); // frees space under a quota
        if (dice < 16) {
            byte[] expected = random.nextBoolean() ? null : ("c" + index + "-" + (seq - 1)).getBytes(StandardCharsets.UTF_8);
            return new KvCommand.Cas(clientId, seq, seq, key, expected, value(seq));
        }
        return new KvCommand.Get(key);
    }

    private byte[] value(long seq) {
        return ("c" + index + "-" + seq).getBytes(StandardCharsets.UTF_8);
    }

    void complete(KvResult result) {
        if (awaiting instanceof KvCommand.RegisterSession && result instanceof KvResult.SessionRegistered registered) {
            clientId = registered.clientId();
        } else if (result instanceof KvResult.SessionUnknown) {
            clientId = 0;
        } else if (awaiting instanceof KvCommand.Write) {
            nextSeq++;
        }
        awaiting = null;
    }
}
