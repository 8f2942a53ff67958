/**
 * {@link io.kvbench.client.KvClient}: an asynchronous, pipelined client for a kvnode cluster. It follows
 * leader redirects, fails over on lost connections and silent nodes, and retries a write with the same
 * (client id, sequence number) so the replicated session table applies it at most once (Raft dissertation
 * §6.3).
 */
package io.kvbench.client;
