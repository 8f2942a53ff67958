package io.kvbench.node;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

class BackgroundLogHandlerTest {
    @Test
    void printsOneLinePerRecordInOrderWithTheParametersFilledIn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BackgroundLogHandler handler = new BackgroundLogHandler("test-log", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        handler.publish(record(Level.INFO, "node {0,number,#}: connection to peer {1,number,#} at {2} closed",
                2, 3, new InetSocketAddress("127.0.0.1", 7003)));
        handler.publish(record(Level.FINE, "below the handler's level", null));
        handler.publish(record(Level.WARNING, "node {0,number,#}: cannot connect", 12345));
        handler.close();

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z INFO PeerClient: "
                + "node 2: connection to peer 3 at /127.0.0.1:7003 closed");
        assertThat(lines[1]).endsWith(" WARNING PeerClient: node 12345: cannot connect");
    }

    @Test
    void printsTheStackTraceOfAThrownException() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BackgroundLogHandler handler = new BackgroundLogHandler("test-log", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        LogRecord record = record(Level.WARNING, "write failed", null);
        record.setThrown(new IOException("No space left on device"));
        handler.publish(record);
        handler.close();

        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("WARNING PeerClient: write failed" + System.lineSeparator()
                + "java.io.IOException: No space left on device");
        assertThat(output).contains("at io.kvbench.node.BackgroundLogHandlerTest.printsTheStackTraceOfAThrownException");
    }

    @Test
    void aRecordPublishedAfterCloseIsStillPrinted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BackgroundLogHandler handler = new BackgroundLogHandler("test-log", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        handler.close(); // the node's shutdown hook closed it while another thread still logs
        handler.publish(record(Level.INFO, "stopped", null));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("INFO PeerClient: stopped" + System.lineSeparator());
    }

    private static LogRecord record(Level level, String message, Object... parameters) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("io.kvbench.net.PeerClient");
        record.setParameters(parameters);
        return record;
    }
}
