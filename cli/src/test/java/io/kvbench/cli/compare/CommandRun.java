package io.kvbench.cli.compare;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the compare command as picocli would, capturing its exit code, stdout and stderr. */
record CommandRun(int exitCode, String output, String errors) {

    static CommandRun of(String... arguments) {
        StringWriter output = new StringWriter();
        StringWriter errors = new StringWriter();
        CommandLine commandLine = new CommandLine(new CompareCommand());
        commandLine.setOut(new PrintWriter(output, true));
        commandLine.setErr(new PrintWriter(errors, true));
        int exitCode = commandLine.execute(arguments);
        return new CommandRun(exitCode, output.toString(), errors.toString());
    }
}
