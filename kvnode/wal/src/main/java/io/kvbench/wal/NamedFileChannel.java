package io.kvbench.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * Every channel the WAL opens, so that every failure names its file and operation ({@link WalIoException}): the
 * JDK's "No space left on device" says neither, and a node that stops on it must say where (issue 20, finding 6).
 * One more call per write and fsync, against system calls of microseconds.
 */
final class NamedFileChannel extends ForwardingFileChannel {
    private final Path file;

    private NamedFileChannel(Path file, FileChannel delegate) {
        super(delegate);
        this.file = file;
    }

    /** {@code factory}'s channels, named; opening one that fails is named too. */
    static FileChannelFactory around(FileChannelFactory factory) {
        return (path, options) -> {
            try {
                return new NamedFileChannel(path, factory.open(path, options));
            } catch (IOException e) {
                throw WalIoException.named("open", path, e);
            }
        };
    }

    /** A call on the channel that may fail. */
    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    /** Runs {@code call}, its failure named. The WAL's hot calls (positioned write, force) are written out instead. */
    private <T> T named(String operation, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (IOException e) {
            throw named(operation, e);
        }
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
        try {
            return super.write(source, position);
        } catch (IOException e) {
            throw named("write", e);
        }
    }

    /** force(false) is fdatasync(2), force(true) fsync(2): the names an operator finds in the kernel's log. */
    @Override
    public void force(boolean metaData) throws IOException {
        try {
            super.force(metaData);
        } catch (IOException e) {
            throw named(metaData ? "fsync" : "fdatasync", e);
        }
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return named("read", () -> super.read(destination));
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        return named("read", () -> super.read(destinations, offset, length));
    }

    @Override
    public int read(ByteBuffer destination, long position) throws IOException {
        return named("read", () -> super.read(destination, position));
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return named("write", () -> super.write(source));
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        return named("write", () -> super.write(sources, offset, length));
    }

    @Override
    public long position() throws IOException {
        return named("position", super::position);
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        named("position", () -> super.position(newPosition));
        return this;
    }

    @Override
    public long size() throws IOException {
        return named("size", super::size);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        named("truncate", () -> super.truncate(size));
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return named("read", () -> super.transferTo(position, count, target));
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
        return named("write", () -> super.transferFrom(source, position, count));
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return named("map", () -> super.map(mode, position, size));
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return named("lock", () -> super.lock(position, size, shared));
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return named("lock", () -> super.tryLock(position, size, shared));
    }

    @Override
    protected void implCloseChannel() throws IOException {
        named("close", () -> {
            super.implCloseChannel();
            return null;
        });
    }

    private IOException named(String operation, IOException cause) {
        return WalIoException.named(operation, file, cause);
    }
}
