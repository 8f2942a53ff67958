package io.kvbench.chaos.client;

/**
 * A blocking client for one campaign process (thread): one outstanding operation at a time, as the history
 * checkers assume. Every call returns within the client's operation deadline with OK, FAIL or UNKNOWN.
 */
public interface ChaosClient extends AutoCloseable {
    ClientOutcome put(String key, String value);

    ClientOutcome get(String key);

    /** Compare-and-set; {@code expected == null} means "the key must be absent". */
    ClientOutcome cas(String key, String expected, String value);

    @Override
    void close();
}
