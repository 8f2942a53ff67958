package io.kvbench.client;

import io.kvbench.kv.KvCommand;

import java.security.SecureRandom;

/**
 * A new session's RegisterSession with a random registration id, sent unchanged on every retry: the state machine
 * answers a retry whose first copy was applied with that session instead of opening a second one. 64 random bits
 * (never 0): two clients draw the same with probability about n²/2⁶⁵ among n live sessions.
 */
public final class SessionRegistration {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionRegistration() {
    }

    public static KvCommand.RegisterSession next() {
        long registrationId;
        do {
            registrationId = RANDOM.nextLong();
        } while (registrationId == 0);
        return new KvCommand.RegisterSession(registrationId);
    }
}
