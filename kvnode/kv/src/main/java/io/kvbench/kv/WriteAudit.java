package io.kvbench.kv;

import java.util.Map;
import java.util.TreeMap;

/**
 * Test and simulator hook: how many times each (clientId, seq) write was applied. Exactly-once means never
 * more than one. Unbounded, so it is off in production; when on, it travels in snapshots, so a duplicate
 * applied after a snapshot install is still counted against the application before it.
 */
final class WriteAudit {
    private final TreeMap<ClientSeq, Long> timesApplied;
    /** Applications beyond the first, summed over every (clientId, seq): zero when exactly-once held. */
    private long repeatApplications;

    WriteAudit() {
        this.timesApplied = new TreeMap<>();
    }

    private WriteAudit(TreeMap<ClientSeq, Long> timesApplied, long repeatApplications) {
        this.timesApplied = timesApplied;
        this.repeatApplications = repeatApplications;
    }

    /** An independent copy, for a snapshot capture: its keys and counts are immutable, so copying the map suffices. */
    WriteAudit copy() {
        return new WriteAudit(new TreeMap<>(timesApplied), repeatApplications);
    }

    record ClientSeq(long clientId, long seq) implements Comparable<ClientSeq> {
        @Override
        public int compareTo(ClientSeq other) {
            int byClient = Long.compare(clientId, other.clientId);
            return byClient != 0 ? byClient : Long.compare(seq, other.seq);
        }
    }

    void recordApplied(long clientId, long seq) {
        long times = timesApplied.merge(new ClientSeq(clientId, seq), 1L, Long::sum);
        if (times > 1) repeatApplications++;
    }

    /** Distinct (clientId, seq) writes applied. */
    long distinctWrites() {
        return timesApplied.size();
    }

    long repeatApplications() {
        return repeatApplications;
    }

    long timesApplied(long clientId, long seq) {
        return timesApplied.getOrDefault(new ClientSeq(clientId, seq), 0L);
    }

    void writeTo(WireWriter out) {
        out.writeInt(timesApplied.size());
        for (Map.Entry<ClientSeq, Long> entry : timesApplied.entrySet()) {
            out.writeLong(entry.getKey().clientId()).writeLong(entry.getKey().seq()).writeLong(entry.getValue());
        }
    }

    /** Fills this (empty) audit from a snapshot, in the order {@link #writeTo} wrote it. */
    void readFrom(WireReader in) {
        if (!timesApplied.isEmpty()) throw new IllegalStateException("audit restored twice");
        ClientSeq previous = null;
        int count = in.readInt("audit entry count");
        if (count < 0) throw in.malformed("audit entry count is negative: " + count);
        for (int i = 0; i < count; i++) {
            ClientSeq key = new ClientSeq(in.readLong("audit clientId"), in.readLong("audit seq"));
            long times = in.readLong("audit times applied");
            if (times <= 0) throw in.malformed("audit times applied must be positive: " + times);
            if (previous != null && previous.compareTo(key) >= 0) throw in.malformed("audit entries out of order at " + key);
            timesApplied.put(key, times);
            repeatApplications += times - 1;
            previous = key;
        }
    }
}
