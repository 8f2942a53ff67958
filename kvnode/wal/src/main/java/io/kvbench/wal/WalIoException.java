package io.kvbench.wal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A failed operation on one of the WAL's files, saying which file and which operation: "fdatasync
 * /data/wal-0000000000000001.log failed: No space left on device", where the JDK says only "No space left on
 * device". A node stops on it (fail-stop) and its one line must tell an operator where to look.
 */
public final class WalIoException extends IOException {
    private final Path file;
    private final String operation;

    public WalIoException(String operation, Path file, IOException cause) {
        this(operation + " " + file + " failed: " + reason(cause), operation, file, cause);
    }

    private WalIoException(String message, String operation, Path file, IOException cause) {
        super(message, cause);
        this.file = file;
        this.operation = operation;
    }

    /** A rename from {@code from} to {@code file} failed. */
    static WalIoException renameFailed(Path from, Path file, IOException cause) {
        return new WalIoException("rename " + from + " to " + file + " failed: " + reason(cause), "rename", file, cause);
    }

    public Path file() {
        return file;
    }

    /** What was being done: open, read, write, fdatasync, fsync, truncate, rename, delete... */
    public String operation() {
        return operation;
    }

    /** {@code cause} if it names its file already, else {@code cause} named. */
    static IOException named(String operation, Path file, IOException cause) {
        return cause instanceof WalIoException ? cause : new WalIoException(operation, file, cause);
    }

    /** The operating system's words where it gave some, never a Java class name where a plain one exists. */
    private static String reason(IOException cause) {
        if (cause instanceof FileSystemException fileSystem && fileSystem.getReason() != null) return fileSystem.getReason();
        if (cause instanceof NoSuchFileException) return "no such file";
        if (cause instanceof FileAlreadyExistsException) return "file already exists";
        if (cause instanceof AccessDeniedException) return "permission denied";
        if (cause instanceof DirectoryNotEmptyException) return "directory not empty";
        if (cause instanceof ClosedChannelException) return "the file was closed";
        if (cause instanceof FileSystemException || cause.getMessage() == null) return cause.getClass().getSimpleName();
        return cause.getMessage();
    }
}
