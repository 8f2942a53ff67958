package io.kvbench.cli.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs one bash command line, or one program, in a folder with its output appended to a log file. */
public final class ShellCommand {

    private ShellCommand() {
    }

    /** Returns the command's exit code; stdin is empty, stdout and stderr go to {@code logFile}. */
    public static int run(String command, Path workingDirectory, Path logFile) throws IOException, InterruptedException {
        return run(List.of("bash", "-c", command), workingDirectory, logFile, Map.of());
    }

    /** As {@link #run(String, Path, Path)}, with extra environment variables. */
    public static int run(String command, Path workingDirectory, Path logFile, Map<String, String> environment)
            throws IOException, InterruptedException {
        return run(List.of("bash", "-c", command), workingDirectory, logFile, environment);
    }

    /** Runs a program (no shell) with extra environment variables; returns its exit code. */
    public static int run(List<String> program, Path workingDirectory, Path logFile, Map<String, String> environment)
            throws IOException, InterruptedException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(program)
                .directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            return process.waitFor();
        } catch (InterruptedException interrupted) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            throw interrupted;
        }
    }

    /**
     * As {@link #run(String, Path, Path, Map)}, and every line of the command's output is also printed to
     * {@code echo} as it comes (a long command, the quality gate, shows its progress).
     */
    public static int runEchoing(String command, Path workingDirectory, Path logFile, Map<String, String> environment,
            java.io.PrintWriter echo) throws IOException, InterruptedException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
                .directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
                java.io.Writer log = Files.newBufferedWriter(logFile, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND)) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                echo.println(line);
                echo.flush();
            }
            return process.waitFor();
        } catch (InterruptedException interrupted) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            throw interrupted;
        }
    }

    /** Single-quotes a value for bash, so paths with spaces or quotes stay one word. */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
