package io.kvbench.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Role changes and lifecycle events as JSON lines, each with a monotonic timestamp ({@code System.nanoTime},
 * CLOCK_MONOTONIC on Linux: comparable across processes on one machine, which is how the chaos suite times
 * elections server-side) and a wall-clock one for people. Stamped on the core thread when the event happens,
 * serialized and written on a {@link BackgroundWriter}'s thread, so a role change costs the core no disk write.
 */
final class EventLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUEUE_CAPACITY = 4096;

    private final BufferedWriter writer;
    private final BackgroundWriter background;
    private final int nodeId;

    EventLog(Path file, int nodeId) {
        this.nodeId = nodeId;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open event log " + file, e);
        }
        this.background = new BackgroundWriter("kvnode-" + nodeId + "-events", QUEUE_CAPACITY);
    }

    ObjectNode event(String name) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event", name);
        node.put("node", nodeId);
        node.put("mono_ns", System.nanoTime());
        node.put("wall_ms", System.currentTimeMillis());
        return node;
    }

    /** Queues the event; the caller must not change it afterwards. */
    void write(ObjectNode event) {
        background.submit(() -> writeNow(event));
    }

    private void writeNow(ObjectNode event) {
        try {
            writer.write(JSON.writeValueAsString(event));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            // The event log is diagnostics; losing it must not stop the node.
            System.err.println("kvnode " + nodeId + ": event log write failed: " + e);
        }
    }

    /** Writes every queued event, then closes the file. */
    @Override
    public void close() {
        background.close();
        try {
            writer.close();
        } catch (IOException ignored) {
            // closing diagnostics
        }
    }
}
