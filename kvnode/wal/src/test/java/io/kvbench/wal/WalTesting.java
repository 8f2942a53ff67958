package io.kvbench.wal;

import io.kvbench.raft.Entry;
import io.kvbench.raft.EntryType;
import io.kvbench.raft.HardState;
import io.kvbench.raft.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** Shared helpers for the WAL tests. */
final class WalTesting {
    private WalTesting() {
    }

    /** Entry {@code index} with a deterministic payload whose size varies with the index. */
    static Entry entry(long index, long term) {
        String text = "value-" + index + "-" + "x".repeat((int) (index % 37));
        EntryType type = index % 11 == 0 ? EntryType.NOOP : EntryType.COMMAND;
        return new Entry(index, term, type, type == EntryType.NOOP ? new byte[0] : text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code entries} with a hard state in their highest term (no vote), as the core submits them: the WAL refuses
     * entries of a term its hard state has not reached.
     */
    static WalBatch withTerm(List<Entry> entries) {
        long term = entries.stream().mapToLong(Entry::term).max().orElse(0);
        return new WalBatch(new HardState(term, 0), entries, null);
    }

    static List<Entry> entries(long fromIndex, long toIndex, long term) {
        List<Entry> result = new ArrayList<>();
        for (long index = fromIndex; index <= toIndex; index++) result.add(entry(index, term));
        return result;
    }

    /** Fixed-size payload, so record offsets are easy to compute. */
    static Entry fixedEntry(long index, long term, int dataBytes) {
        byte[] data = new byte[dataBytes];
        for (int i = 0; i < dataBytes; i++) data[i] = (byte) ('a' + (index + i) % 26);
        return Entry.command(index, term, data);
    }

    /** The bytes of a snapshot file holding {@code content}, as a leader would send them. */
    static byte[] snapshotFileBytes(long lastIndex, long lastTerm, byte[] content) throws IOException {
        Path scratch = Files.createTempFile("snapshot-file", ".tmp");
        try {
            SnapshotFile.writeDurably(FileChannelFactory.DEFAULT, new Fsync(SyncMode.NONE, FileChannelFactory.DEFAULT,
                    new StatsRecorder()), scratch, lastIndex, lastTerm, out -> out.write(content));
            return Files.readAllBytes(scratch);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    /** A snapshot received from a leader, in chunks of 7 bytes, finished and ready to go into a batch. */
    static StagedSnapshot received(Wal wal, long lastIndex, long lastTerm, byte[] content) throws IOException {
        byte[] file = snapshotFileBytes(lastIndex, lastTerm, content);
        IncomingSnapshot incoming = wal.receiveSnapshot(new Snapshot(lastIndex, lastTerm), file.length);
        for (int offset = 0; offset < file.length; offset += 7) {
            incoming.write(offset, java.util.Arrays.copyOfRange(file, offset, Math.min(file.length, offset + 7)));
        }
        return incoming.finish();
    }

    /** The content of the WAL's current snapshot, read back and verified. */
    static byte[] content(Wal wal, Snapshot snapshot) throws IOException {
        try (SnapshotFileReader reader = wal.openSnapshot(snapshot)) {
            return reader.readContent(in -> in.readAllBytes());
        }
    }

    static List<Path> segmentFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.getFileName().toString().matches("wal-[0-9a-f]{16}\\.log")).sorted()
                    .toList();
        }
    }

    static List<String> fileNames(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    /** A callback that completes a future; records whether it was ever told "durable". */
    static class FutureCallback implements WalCallback {
        final CompletableFuture<Void> result = new CompletableFuture<>();
        volatile boolean reportedDurable;

        @Override
        public void onDurable() {
            reportedDurable = true;
            result.complete(null);
        }

        @Override
        public void onFailure(IOException cause) {
            result.completeExceptionally(cause);
        }
    }
}
