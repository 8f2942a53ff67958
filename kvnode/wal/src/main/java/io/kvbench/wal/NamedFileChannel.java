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

    @Override
    public int read(ByteBuffer destination) throws IOException {
        try {
            return super.read(destination);
        } catch (IOException e) {
            throw named("read", e);
        }
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        try {
            return super.read(destinations, offset, length);
        } catch (IOException e) {
            throw named("read", e);
        }
    }

    @Override
    public int read(ByteBuffer destination, long position) throws IOException {
        try {
            return super.read(destination, position);
        } catch (IOException e) {
            throw named("read", e);
        }
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        try {
            return super.write(source);
        } catch (IOException e) {
            throw named("write", e);
        }
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        try {
            return super.write(sources, offset, length);
        } catch (IOException e) {
            throw named("write", e);
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

    @Override
    public long position() throws IOException {
        try {
            return super.position();
        } catch (IOException e) {
            throw named("position", e);
        }
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        try {
            super.position(newPosition);
            return this;
        } catch (IOException e) {
            throw named("position", e);
        }
    }

    @Override
    public long size() throws IOException {
        try {
            return super.size();
        } catch (IOException e) {
            throw named("size", e);
        }
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        try {
            super.truncate(size);
            return this;
        } catch (IOException e) {
            throw named("truncate", e);
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
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        try {
            return super.transferTo(position, count, target);
        } catch (IOException e) {
            throw named("read", e);
        }
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
        try {
            return super.transferFrom(source, position, count);
        } catch (IOException e) {
            throw named("write", e);
        }
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        try {
            return super.map(mode, position, size);
        } catch (IOException e) {
            throw named("map", e);
        }
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        try {
            return super.lock(position, size, shared);
        } catch (IOException e) {
            throw named("lock", e);
        }
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        try {
            return super.tryLock(position, size, shared);
        } catch (IOException e) {
            throw named("lock", e);
        }
    }

    @Override
    protected void implCloseChannel() throws IOException {
        try {
            super.implCloseChannel();
        } catch (IOException e) {
            throw named("close", e);
        }
    }

    private IOException named(String operation, IOException cause) {
        return WalIoException.named(operation, file, cause);
    }
}
