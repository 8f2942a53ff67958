package io.kvbench.node;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The node process's log handler: the calling thread (usually the event loop) only checks the level and queues the
 * record; {@link BackgroundWriter}'s thread formats it with {@link LogLineFormatter} and prints it. Records are
 * formatted after the call returns, which is safe for what the node logs: numbers, strings, addresses, exceptions.
 */
final class BackgroundLogHandler extends Handler {
    private static final int QUEUE_CAPACITY = 4096;

    private static volatile BackgroundLogHandler installed;

    private final BackgroundWriter writer;
    private final PrintStream out;

    BackgroundLogHandler(String threadName, PrintStream out) {
        this.writer = new BackgroundWriter(threadName, QUEUE_CAPACITY);
        this.out = out;
        setFormatter(new LogLineFormatter());
        setLevel(Level.INFO);
    }

    /**
     * Makes this the only handler of the root logger, where every JDK and Netty logger ends up. As with the JDK's own
     * console handler, lines logged after the JDK's exit-time {@code LogManager.reset()} reach no handler.
     */
    static BackgroundLogHandler installOnRootLogger(String threadName, PrintStream out) {
        BackgroundLogHandler handler = new BackgroundLogHandler(threadName, out);
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler existing : root.getHandlers()) root.removeHandler(existing);
        root.addHandler(handler);
        installed = handler;
        return handler;
    }

    /** Prints what the installed handler has queued, before a halt that runs no shutdown hooks. */
    static void closeInstalled() {
        BackgroundLogHandler handler = installed;
        if (handler != null) handler.close();
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) return;
        writer.submit(() -> {
            out.print(getFormatter().format(record));
            out.flush();
        });
    }

    @Override
    public void flush() {
        // Each queued write flushes; close() waits for the queue.
    }

    /** Prints everything queued; later records are printed on the caller's thread. */
    @Override
    public void close() {
        writer.close();
    }

    long droppedCount() {
        return writer.droppedCount();
    }
}
