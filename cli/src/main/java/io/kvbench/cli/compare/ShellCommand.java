package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs one bash command line in a folder with its output appended to a log file. */
final class ShellCommand {

    private ShellCommand() {
    }

    /** Returns the command's exit code; stdin is empty, stdout and stderr go to {@code logFile}. */
    static int run(String command, Path workingDirectory, Path logFile) throws IOException, InterruptedException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        Process process = new ProcessBuilder("bash", "-c", command)
                .directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        try {
            return process.waitFor();
        } catch (InterruptedException interrupted) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            throw interrupted;
        }
    }

    /** Single-quotes a value for bash, so paths with spaces or quotes stay one word. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
