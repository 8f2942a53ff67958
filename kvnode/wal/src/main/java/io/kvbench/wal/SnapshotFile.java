package io.kvbench.wal;

import io.kvbench.raft.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * A file {@code snapshot-<last index hex>.snap}, version 2:
 * <pre>
 *   u8 version | u64 lastIndex | u64 lastTerm | content ... | u64 content length | u32 CRC32C of every byte before it
 * </pre>
 * The length and checksum come last so that the file is written in one pass with bounded memory, whatever the
 * content's size; a reader streams the content and verifies both at the end. Written by rename like the hard state,
 * so any damage is corruption. The same bytes travel to a follower chunk by chunk, which checks them the same way
 * before installing them.
 */
final class SnapshotFile {
    static final byte VERSION = 2;
    static final int HEADER_BYTES = 1 + 8 + 8;
    static final int TRAILER_BYTES = 8 + 4;
    private static final int BUFFER_BYTES = 256 * 1024;

    private SnapshotFile() {
    }

    /**
     * Writes a new {@code file} holding {@code content} and forces it, from any thread, off the write path.
     *
     * @return the file's size
     */
    static long writeDurably(FileChannelFactory channelFactory, Fsync fsync, Path file, long lastIndex, long lastTerm,
            SnapshotContent.Writer content) throws IOException {
        try (FileChannel channel = channelFactory.open(file, Set.of(StandardOpenOption.WRITE,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING))) {
            ChecksummedOutput out = new ChecksummedOutput(channel);
            out.write(ByteBuffer.allocate(HEADER_BYTES).put(VERSION).putLong(lastIndex).putLong(lastTerm).array());
            content.writeTo(out);
            long contentBytes = out.position() - HEADER_BYTES;
            out.write(ByteBuffer.allocate(8).putLong(contentBytes).array());
            out.flushBuffer();
            int crc = (int) out.crc.getValue();
            AtomicFiles.writeFully(channel, ByteBuffer.allocate(4).putInt(crc).flip(), out.position());
            fsync.forceOffWritePath(channel);
            return out.position() + 4;
        }
    }

    /** The header's position, after checking the file's size and checksum by streaming it through; nothing is kept. */
    static Snapshot verify(FileChannelFactory channelFactory, Path file) throws IOException {
        try (FileChannel channel = channelFactory.open(file, Set.of(StandardOpenOption.READ))) {
            return read(file, channel, in -> {
                in.transferTo(OutputStream.nullOutputStream());
                return null;
            }).snapshot();
        }
    }

    /** What {@link #read(Path, FileChannel, SnapshotContent.Reader)} found. */
    record Read<T>(Snapshot snapshot, T value) {
    }

    /**
     * Streams the content of the snapshot file open on {@code channel} to {@code reader}, then checks the length and
     * checksum: the reader's result is returned only for a whole, undamaged file.
     *
     * @throws WalCorruptionException naming the file and offset when anything does not match, including a reader
     *                                that found the content malformed (IllegalArgumentException)
     */
    static <T> Read<T> read(Path file, FileChannel channel, SnapshotContent.Reader<T> reader) throws IOException {
        long size = channel.size();
        if (size < HEADER_BYTES + TRAILER_BYTES) {
            throw new WalCorruptionException(file, 0, "snapshot file holds only " + size + " bytes");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        readFully(channel, header, 0, file);
        byte version = header.get(0);
        if (version != VERSION) throw new WalCorruptionException(file, 0, "unknown snapshot version " + version);
        long lastIndex = header.getLong(1);
        long lastTerm = header.getLong(9);
        if (lastIndex <= 0 || lastTerm <= 0) {
            throw new WalCorruptionException(file, 1, "snapshot position " + lastIndex + "@" + lastTerm + " is not valid");
        }
        CRC32C crc = new CRC32C();
        crc.update(header.array());
        long contentEnd = size - TRAILER_BYTES;
        ChecksummedInput content = new ChecksummedInput(channel, HEADER_BYTES, contentEnd, crc, file);
        T value;
        IllegalArgumentException malformed = null;
        try {
            value = reader.readFrom(content);
        } catch (IllegalArgumentException e) {
            value = null;
            malformed = e;
        }
        content.skipToEnd(); // the checksum covers all of it, whatever the reader consumed
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES);
        readFully(channel, trailer, contentEnd, file);
        crc.update(trailer.array(), 0, 8);
        int storedCrc = trailer.getInt(8);
        if (storedCrc != (int) crc.getValue()) {
            throw new WalCorruptionException(file, size - 4, String.format(
                    "snapshot CRC mismatch (stored %08x, computed %08x)", storedCrc, (int) crc.getValue()));
        }
        long contentBytes = trailer.getLong(0);
        if (contentBytes != contentEnd - HEADER_BYTES) {
            throw new WalCorruptionException(file, contentEnd, "snapshot content length " + contentBytes
                    + " does not match the file's size " + size);
        }
        if (malformed != null) {
            throw new WalCorruptionException(file, HEADER_BYTES, "snapshot content unreadable: " + malformed.getMessage());
        }
        return new Read<>(new Snapshot(lastIndex, lastTerm), value);
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new WalCorruptionException(file, position + buffer.position(), "snapshot file ends early");
            }
        }
    }

    /** Buffered positional writes that checksum everything written, so one pass gives the trailer. */
    private static final class ChecksummedOutput extends OutputStream {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        final CRC32C crc = new CRC32C();
        private long flushedBytes;

        ChecksummedOutput(FileChannel channel) {
            this.channel = channel;
        }

        long position() {
            return flushedBytes + buffer.position();
        }

        @Override
        public void write(int b) throws IOException {
            if (!buffer.hasRemaining()) flushBuffer();
            buffer.put((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (!buffer.hasRemaining()) flushBuffer();
                int n = Math.min(length, buffer.remaining());
                buffer.put(bytes, offset, n);
                offset += n;
                length -= n;
            }
        }

        void flushBuffer() throws IOException {
            buffer.flip();
            crc.update(buffer.array(), 0, buffer.limit());
            AtomicFiles.writeFully(channel, buffer, flushedBytes);
            flushedBytes += buffer.limit();
            buffer.clear();
        }
    }

    /** Positional buffered reads of {@code [start, end)} that checksum everything read; ends at {@code end}. */
    private static final class ChecksummedInput extends InputStream {
        private final FileChannel channel;
        private final long end;
        private final CRC32C crc;
        private final Path file;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
        private long position;

        ChecksummedInput(FileChannel channel, long start, long end, CRC32C crc, Path file) {
            this.channel = channel;
            this.position = start;
            this.end = end;
            this.crc = crc;
            this.file = file;
            buffer.limit(0);
        }

        @Override
        public int read() throws IOException {
            if (!buffer.hasRemaining() && !refill()) return -1;
            return buffer.get() & 0xFF;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) return 0;
            if (!buffer.hasRemaining() && !refill()) return -1;
            int n = Math.min(length, buffer.remaining());
            buffer.get(bytes, offset, n);
            return n;
        }

        void skipToEnd() throws IOException {
            buffer.position(buffer.limit());
            while (refill()) buffer.position(buffer.limit());
        }

        private boolean refill() throws IOException {
            if (position >= end) return false;
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), end - position));
            readFully(channel, buffer, position, file);
            buffer.flip();
            crc.update(buffer.array(), 0, buffer.limit());
            position += buffer.limit();
            return true;
        }
    }
}
