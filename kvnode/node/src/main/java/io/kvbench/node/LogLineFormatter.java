package io.kvbench.node;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.temporal.ChronoUnit;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per record: UTC instant to the microsecond, level, the logger's simple name, the message (and a stack
 * trace when there is one). Unlike {@link java.util.logging.SimpleFormatter} it never asks the record for its
 * source method, which the JDK finds by walking the stack of the thread that formats: wrong (and slow) when
 * formatting happens later on {@link BackgroundWriter}'s thread.
 */
final class LogLineFormatter extends Formatter {
    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160)
                .append(record.getInstant().truncatedTo(ChronoUnit.MICROS))
                .append(' ').append(record.getLevel().getName())
                .append(' ').append(simpleName(record.getLoggerName()))
                .append(": ").append(formatMessage(record))
                .append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static String simpleName(String loggerName) {
        if (loggerName == null) return "-";
        return loggerName.substring(loggerName.lastIndexOf('.') + 1);
    }
}
