package io.kvbench.kv;

import java.util.Map;
import java.util.TreeMap;

/**
 * One client's session (§6.3): the replies to its writes that it may still ask for again. A client
 * pipelines writes, so several replies are pending at once, and after a failover they may be applied out of
 * seq order; hence a map by seq rather than "last seq and its reply". The client's firstUnackedSeq is the
 * watermark below which it promises never to retry, so those replies can be dropped.
 */
final class ClientSession {
    final long clientId;
    /** The client's id for the registration that opened it (its retries carry the same); 0 for none. */
    final long registrationId;
    private long lastUsedIndex;
    private long lastUsedMillis;
    private long firstUnackedSeq = 1;
    private final TreeMap<Long, KvResult> repliesBySeq = new TreeMap<>();
    /** {@link StateSizes#replyBytes} summed over the stored replies. */
    private long replyBytes;

    ClientSession(long clientId, long registrationId, long lastUsedIndex, long lastUsedMillis) {
        if (clientId <= 0) throw new IllegalArgumentException("clientId must be positive: " + clientId);
        this.clientId = clientId;
        this.registrationId = registrationId;
        this.lastUsedIndex = lastUsedIndex;
        this.lastUsedMillis = lastUsedMillis;
    }

    long lastUsedIndex() {
        return lastUsedIndex;
    }

    long lastUsedMillis() {
        return lastUsedMillis;
    }

    /** Only {@link SessionTable} calls this, since the last-used index also orders its LRU index. */
    void markUsed(long index, long nowMillis) {
        if (index <= lastUsedIndex) {
            throw new IllegalStateException("session " + clientId + " used at index " + index + " after " + lastUsedIndex);
        }
        lastUsedIndex = index;
        lastUsedMillis = Math.max(lastUsedMillis, nowMillis);
    }

    long firstUnackedSeq() {
        return firstUnackedSeq;
    }

    /**
     * §6.3: the client has its replies below {@code clientFirstUnackedSeq}, so drop them. The watermark only
     * moves up: a delayed retry carries an older, lower watermark.
     */
    void acknowledgeBelow(long clientFirstUnackedSeq) {
        if (clientFirstUnackedSeq <= firstUnackedSeq) return;
        firstUnackedSeq = clientFirstUnackedSeq;
        var dropped = repliesBySeq.headMap(firstUnackedSeq);
        for (KvResult reply : dropped.values()) replyBytes -= StateSizes.replyBytes(reply);
        dropped.clear();
    }

    /** The stored reply of an applied write, or null if this seq was not applied (or was dropped). */
    KvResult cachedReply(long seq) {
        return repliesBySeq.get(seq);
    }

    /** What this session holds, for the state machine's quota: its overhead and its stored replies. */
    long sizeBytes() {
        return StateSizes.SESSION_OVERHEAD_BYTES + replyBytes;
    }

    int pendingReplyCount() {
        return repliesBySeq.size();
    }

    void cacheReply(long seq, KvResult reply) {
        if (seq < firstUnackedSeq) {
            throw new IllegalStateException("caching reply of seq " + seq + " below watermark " + firstUnackedSeq);
        }
        if (repliesBySeq.putIfAbsent(seq, reply) != null) {
            throw new IllegalStateException("seq " + seq + " of client " + clientId + " applied twice");
        }
        replyBytes += StateSizes.replyBytes(reply);
    }

    Iterable<Map.Entry<Long, KvResult>> repliesInSeqOrder() {
        return repliesBySeq.entrySet();
    }

    /** For restoring a snapshot: set the watermark before any reply is cached. */
    void restoreWatermark(long watermark) {
        if (!repliesBySeq.isEmpty() || watermark < 1) {
            throw new IllegalStateException("watermark restored late or invalid: " + watermark);
        }
        firstUnackedSeq = watermark;
    }
}
