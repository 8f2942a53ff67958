package io.kvbench.kv;

import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The bounded table of client sessions, with LRU eviction (TigerBeetle client_sessions) and idle expiry by
 * the log's clock (§6.3). Both orders come from the log: one entry uses at most one session, so last-used
 * indices are unique and order sessions by recency; and since the log clock never goes backward, that is
 * also the order of last-used times. Sorted maps only, so nothing depends on hash order.
 */
final class SessionTable {
    private final int maxSessions;
    private final TreeMap<Long, ClientSession> byClientId = new TreeMap<>();
    private final TreeMap<Long, ClientSession> byLastUsedIndex = new TreeMap<>();
    /** Live sessions opened with a registration id (not 0), so that a retried registration finds its session. */
    private final TreeMap<Long, ClientSession> byRegistrationId = new TreeMap<>();
    /** {@link ClientSession#sizeBytes()} summed over the table, kept current by {@link #resized} and add/remove. */
    private long bytes;

    SessionTable(int maxSessions) {
        if (maxSessions <= 0) throw new IllegalArgumentException("maxSessions must be positive: " + maxSessions);
        this.maxSessions = maxSessions;
    }

    /** The live session, or null if it was never registered, expired, or evicted. */
    ClientSession find(long clientId) {
        return byClientId.get(clientId);
    }

    /**
     * Registers a session whose client id is the registering entry's index, evicting the LRU one if full; or, for a
     * retried registration (its {@code registrationId} opened a session that still lives), uses that session again:
     * one registration, one session, however many of its copies the log holds.
     */
    ClientSession register(long index, long nowMillis, long registrationId) {
        ClientSession registered = registrationId == 0 ? null : byRegistrationId.get(registrationId);
        if (registered != null) {
            touch(registered, index, nowMillis);
            return registered;
        }
        if (byClientId.size() >= maxSessions) remove(byLastUsedIndex.firstEntry().getValue());
        ClientSession session = new ClientSession(index, registrationId, index, nowMillis);
        add(session);
        return session;
    }

    void touch(ClientSession session, long index, long nowMillis) {
        requireIndexed(session);
        byLastUsedIndex.remove(session.lastUsedIndex());
        session.markUsed(index, nowMillis);
        putUnique(byLastUsedIndex, session.lastUsedIndex(), session);
    }

    /** Removes every session unused for longer than {@code timeoutMillis} of the log clock. */
    int expireIdle(long nowMillis, long timeoutMillis) {
        int expired = 0;
        while (!byLastUsedIndex.isEmpty()) {
            ClientSession oldest = byLastUsedIndex.firstEntry().getValue();
            if (nowMillis - oldest.lastUsedMillis() <= timeoutMillis) break;
            remove(oldest);
            expired++;
        }
        return expired;
    }

    int size() {
        return byClientId.size();
    }

    /** The sessions' bytes, for the state machine's quota ({@link StateSizes}). */
    long bytes() {
        return bytes;
    }

    /** A session in the table changed its stored replies: its size went from {@code bytesBefore} to now. */
    void resized(ClientSession session, long bytesBefore) {
        requireIndexed(session);
        bytes += session.sizeBytes() - bytesBefore;
    }

    Collection<ClientSession> inClientIdOrder() {
        return List.copyOf(byClientId.values());
    }

    /** For restoring a snapshot: the session must fit the bound and not collide with another. */
    void add(ClientSession session) {
        if (byClientId.size() >= maxSessions) {
            throw new IllegalStateException("session table full: " + maxSessions + " sessions");
        }
        putUnique(byClientId, session.clientId, session);
        putUnique(byLastUsedIndex, session.lastUsedIndex(), session);
        if (session.registrationId != 0) putUnique(byRegistrationId, session.registrationId, session);
        bytes += session.sizeBytes();
    }

    /**
     * Expiry walks sessions in last-used-index order and stops at the first live one; that is right only
     * if last-used times rise with last-used indices. Checked after restoring a snapshot.
     */
    void requireRecencyMatchesTime() {
        long previousMillis = Long.MIN_VALUE;
        for (ClientSession session : byLastUsedIndex.values()) {
            if (session.lastUsedMillis() < previousMillis) {
                throw new IllegalStateException("session " + session.clientId + " was used later in the log but earlier in time");
            }
            previousMillis = session.lastUsedMillis();
        }
    }

    private void remove(ClientSession session) {
        requireIndexed(session);
        byClientId.remove(session.clientId);
        byLastUsedIndex.remove(session.lastUsedIndex());
        if (session.registrationId != 0) byRegistrationId.remove(session.registrationId);
        bytes -= session.sizeBytes();
    }

    private void requireIndexed(ClientSession session) {
        if (byClientId.get(session.clientId) != session || byLastUsedIndex.get(session.lastUsedIndex()) != session) {
            throw new IllegalStateException("session " + session.clientId + " is not in the table");
        }
    }

    private static void putUnique(TreeMap<Long, ClientSession> map, long key, ClientSession session) {
        ClientSession previous = map.putIfAbsent(key, session);
        if (previous != null) {
            throw new IllegalStateException("sessions " + previous.clientId + " and " + session.clientId + " share key " + key);
        }
    }
}
