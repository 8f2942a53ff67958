package io.kvbench.node;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One low-priority thread that runs a node's diagnostic writes (log lines, event-log lines) in the order they were
 * submitted, so the event loop, which every peer message and client request waits on, never formats or writes them
 * itself. Measured in kill campaigns: when a leader died, the survivors' loops spent 1-9 ms formatting and writing
 * "connection closed" log lines before they handled the closed connection that starts the election.
 *
 * <p>Bounded: a submission to a full queue is dropped and counted, never waits; the thread reports drops on
 * standard error. After {@link #close()} (which runs everything already queued) a submission runs on the caller's
 * thread rather than being dropped.
 */
final class BackgroundWriter implements AutoCloseable {
    private static final Runnable STOP = () -> { };

    private final BlockingQueue<Runnable> queue;
    private final Thread thread;
    private final String name;
    private final AtomicLong droppedCount = new AtomicLong();
    private final Object lock = new Object();
    private boolean closed; // guarded by lock: a write queued before close() is always ahead of STOP

    BackgroundWriter(String threadName, int capacity) {
        this.name = threadName;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::runWrites, threadName);
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /** Queues {@code write}; returns false, counting a drop, when the queue is full. */
    boolean submit(Runnable write) {
        synchronized (lock) {
            if (!closed) {
                if (queue.offer(write)) return true;
                droppedCount.incrementAndGet();
                return false;
            }
        }
        runSafely(write);
        return true;
    }

    long droppedCount() {
        return droppedCount.get();
    }

    /** Runs every write queued so far, then stops the thread (waits at most 5 s for a stuck write). */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
        }
        try {
            if (!queue.offer(STOP, 5, TimeUnit.SECONDS)) return;
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runWrites() {
        long droppedReported = 0;
        while (true) {
            Runnable write;
            try {
                write = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (write != STOP) runSafely(write);
            long dropped = droppedCount.get();
            if (dropped != droppedReported) {
                System.err.println(name + ": " + (dropped - droppedReported) + " diagnostic writes dropped, the queue was full");
                droppedReported = dropped;
            }
            if (write == STOP) return;
        }
    }

    private void runSafely(Runnable write) {
        try {
            write.run();
        } catch (Throwable e) {
            // Diagnostics must never take the node down, nor stop the writes queued after this one; say so where an
            // operator looks.
            System.err.println(name + ": diagnostic write failed: " + e);
        }
    }
}
