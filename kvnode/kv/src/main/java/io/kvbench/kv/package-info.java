/**
 * The replicated key-value state machine and its client sessions (Raft dissertation §6.3; TigerBeetle
 * {@code src/vsr/client_sessions.zig}). Every replica applies the same committed entries in log order, so
 * everything here is deterministic: no wall clock, no randomness, no hash-order iteration in results or
 * snapshots. Time enters only as the leader's timestamp carried inside each entry.
 */
package io.kvbench.kv;
