package io.kvbench.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kvbench.bench.floor.FloorResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code run.json}: what is needed to reproduce or distrust a result — code version, parameters, JVM,
 * machine, how the target makes writes durable, and when it ran.
 */
final class RunInfo {

    private RunInfo() {
    }

    static void write(Path file, LoadSpec spec, String targetName, String fsyncMode, FloorResult floor,
            Instant startWallTime, Instant endWallTime) throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("target", targetName);
        info.put("fsyncMode", fsyncMode);
        info.put("gitSha", command("git", "rev-parse", "HEAD"));
        info.put("gitDescribe", command("git", "describe", "--tags", "--always"));
        info.put("parameters", spec.describe());
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("version", System.getProperty("java.version"));
        jvm.put("vendor", System.getProperty("java.vendor"));
        jvm.put("vmName", System.getProperty("java.vm.name"));
        info.put("jvm", jvm);
        info.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        String kernel = command("uname", "-r");
        info.put("kernel", kernel != null ? kernel : System.getProperty("os.version"));
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        info.put("floor", floor == null ? null : floor.describe());
        info.put("startWallTime", startWallTime.toString());
        info.put("endWallTime", endWallTime.toString());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), info);
    }

    /** First line of a command's output, or null if it is missing, fails or takes over 5 s. */
    static String command(String... commandLine) {
        Process process = null;
        try {
            process = new ProcessBuilder(List.of(commandLine)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output;
            try (InputStream stdout = process.getInputStream()) {
                output = stdout.readNBytes(4096);
            }
            if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return null;
            }
            String text = new String(output, StandardCharsets.UTF_8).strip();
            int newline = text.indexOf('\n');
            return newline < 0 ? text : text.substring(0, newline);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
