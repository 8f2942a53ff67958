package io.kvbench.node.local;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;

/** One node of a {@link LocalCluster}, as its backend runs it: a child process or a runtime in this JVM. */
interface LocalNode {
    /** Starts the node; does not wait until it serves. */
    void start() throws IOException;

    boolean isRunning();

    /**
     * SIGKILL (in-process: closed at once) and wait for the exit: {@link System#nanoTime()} just after the signal left,
     * or empty when the node was not running (nothing sent).
     */
    OptionalLong kill() throws IOException;

    /** SIGTERM (a leader hands over first) and wait up to {@code timeout} for the exit; SIGKILL and throw after it. */
    void terminate(Duration timeout) throws IOException;

    /** For close and the shutdown hook: SIGTERM and up to {@code gracePeriod} (zero: none), then SIGKILL. Never throws. */
    void stop(Duration gracePeriod);

    /** The operating system's process id (in-process: this JVM's). */
    long pid();

    /** Why the node is not running, with what it printed, for an error message. */
    String whyStopped();

    /** "running", or how it ended: "exit code N" for a process. */
    String exitDescription();
}
