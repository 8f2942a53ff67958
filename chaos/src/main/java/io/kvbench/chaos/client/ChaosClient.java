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

    /** Reads every key (after a campaign); absent keys map to null. Pipelined where the client can. */
    default java.util.Map<String, ClientOutcome> readAll(java.util.List<String> keys) {
        java.util.Map<String, ClientOutcome> values = new java.util.LinkedHashMap<>();
        for (String key : keys) values.put(key, get(key));
        return values;
    }

    @Override
    void close();
}
