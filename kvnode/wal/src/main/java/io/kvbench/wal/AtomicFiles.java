package io.kvbench.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** File helpers shared by the hard state and snapshot files and by segment recovery. */
final class AtomicFiles {
    private static final int READ_CHUNK_BYTES = 1 << 20;
    private AtomicFiles() {
    }

    /**
     * Replaces {@code directory/name} with {@code content} so that a crash leaves either the old or the new file,
     * never a mix: write a temp file, fsync it, rename over the target. The caller must fsync the directory to
     * make the rename itself durable.
     */
    static void replace(FileChannelFactory channelFactory, Fsync fsync, Path directory, String name, byte[] content)
            throws IOException {
        Path temp = directory.resolve(name + WalFiles.TEMP_SUFFIX);
        try (FileChannel channel = channelFactory.open(temp, Set.of(StandardOpenOption.WRITE,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))) {
            writeFully(channel, ByteBuffer.wrap(content), 0);
            fsync.force(channel);
        }
        move(temp, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@link Files#move}, a failure naming the operation and both files ({@link WalIoException}). */
    static void move(Path from, Path to, CopyOption... options) throws IOException {
        try {
            Files.move(from, to, options);
        } catch (IOException e) {
            throw WalIoException.renameFailed(from, to, e);
        }
    }

    /** {@link Files#delete}, a failure naming the operation and the file ({@link WalIoException}). */
    static void delete(Path file) throws IOException {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw WalIoException.named("delete", file, e);
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long positionBytes) throws IOException {
        long position = positionBytes;
        while (buffer.hasRemaining()) position += channel.write(buffer, position);
    }

    static byte[] readFully(FileChannelFactory channelFactory, Path file) throws IOException {
        try (FileChannel channel = channelFactory.open(file, Set.of(StandardOpenOption.READ))) {
            long sizeBytes = channel.size();
            if (sizeBytes > Integer.MAX_VALUE - 16) {
                throw new WalCorruptionException(file, 0, "file too large to be ours: " + sizeBytes + " bytes");
            }
            byte[] content = new byte[(int) sizeBytes];
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.position() < content.length) {
                // At most a chunk per call: the JDK reads through a temporary direct buffer of the requested size
                // and keeps it cached per thread, which for a whole preallocated segment would pin its size (16 MiB by default, up to 1 GiB).
                buffer.limit(Math.min(content.length, buffer.position() + READ_CHUNK_BYTES));
                if (channel.read(buffer, buffer.position()) < 0) {
                    throw new IOException(file + " shrank while being read");
                }
            }
            return content;
        }
    }
}
