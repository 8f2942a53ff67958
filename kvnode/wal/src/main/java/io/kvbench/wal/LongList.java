package io.kvbench.wal;

import java.util.Arrays;

/** A growable array of primitive longs (a segment's record offsets), without boxing. */
final class LongList {
    private long[] values = new long[64];
    private int size;

    void add(long value) {
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = value;
    }

    long get(int position) {
        if (position < 0 || position >= size) {
            throw new IndexOutOfBoundsException("position " + position + " of " + size);
        }
        return values[position];
    }

    int size() {
        return size;
    }

    void truncate(int newSize) {
        if (newSize < 0 || newSize > size) throw new IndexOutOfBoundsException("truncate to " + newSize + " of " + size);
        size = newSize;
    }
}
