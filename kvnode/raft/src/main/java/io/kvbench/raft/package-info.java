/**
 * The consensus core: a pure, single-threaded Raft state machine in the style of etcd-io/raft. It has no
 * threads, clock, sockets or files. The runtime steps it with messages and ticks and drains its {@link
 * io.kvbench.raft.Ready} batches.
 */
package io.kvbench.raft;
