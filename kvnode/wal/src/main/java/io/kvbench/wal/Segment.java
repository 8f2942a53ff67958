package io.kvbench.wal;

import java.nio.file.Path;

/** One segment file as the WAL thread sees it: where each of its records starts, and how long it is. */
final class Segment {
    final Path path;
    final long firstIndex;
    /** Byte offset of the record for index {@code firstIndex + i}; lets a suffix be truncated by index. */
    final LongList offsets;
    long sizeBytes;

    Segment(Path path, long firstIndex, LongList offsets, long sizeBytes) {
        if (firstIndex <= 0) throw new IllegalArgumentException("segment first index must be positive: " + firstIndex);
        this.path = path;
        this.firstIndex = firstIndex;
        this.offsets = offsets;
        this.sizeBytes = sizeBytes;
    }

    /** {@code firstIndex - 1} while the segment holds no record. */
    long lastIndex() {
        return firstIndex + offsets.size() - 1;
    }

    boolean contains(long index) {
        return index >= firstIndex && index <= lastIndex();
    }

    long offsetOf(long index) {
        if (!contains(index)) throw new IllegalArgumentException("index " + index + " not in " + path);
        return offsets.get((int) (index - firstIndex));
    }

    @Override
    public String toString() {
        return path.getFileName() + "[" + firstIndex + ".." + lastIndex() + ", " + sizeBytes + "B]";
    }
}
