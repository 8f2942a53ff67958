package io.kvbench.client;

/**
 * A snapshot of a {@link KvClient}'s counters since it was created, for the load generator and the chaos
 * suite.
 *
 * @param attempts   requests sent (or tried: a failed connect counts), first tries and retries alike
 * @param retries    attempts after an operation's first
 * @param redirects  NotLeader answers
 * @param reconnects connections opened after the first
 * @param timeouts   operations failed with {@link KvTimeoutException}
 * @param fanOutSends copies of a retry sent to the other nodes while the leader was unknown
 *                   ({@link KvClientOptions#failoverFanOut()})
 */
public record KvClientStats(long attempts, long retries, long redirects, long reconnects, long timeouts, long fanOutSends) {}
