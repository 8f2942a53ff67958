/**
 * The write-ahead log: Raft's hard state, log entries and the latest snapshot on stable storage.
 *
 * <p>One writer (the core's thread) calls {@link io.kvbench.wal.Wal#submit}; a dedicated WAL thread writes
 * everything queued and makes it durable with one {@code force()} (group commit), then reports completion
 * through {@link io.kvbench.wal.WalCallback}. Nothing is reported durable before it is.
 *
 * <p>Segments are preallocated: each new one is a file of zeros prepared ahead of time, so appends overwrite
 * allocated space and their fdatasync makes only data durable (no file-size metadata, no journal commit on
 * ext4). An all-zero record header marks the end of the log.
 */
package io.kvbench.wal;
