package io.kvbench.bench.etcd;

import io.kvbench.bench.proc.Signals;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** One etcd process: its ports, directories, command line, and the process while it runs. */
final class EtcdMember {

    final String name;
    final int clientPort;
    final int peerPort;
    final Path dataDirectory;
    final Path logFile;
    private List<String> commandLine;
    private Process process;
    private boolean paused;
    private OptionalLong signalSentNanos = OptionalLong.empty(); // System.nanoTime() just after the last SIGKILL or SIGSTOP left

    EtcdMember(String name, int clientPort, int peerPort, Path runDirectory) {
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.dataDirectory = runDirectory.resolve(name + ".etcd");
        this.logFile = runDirectory.resolve(name + ".log");
    }

    URI clientUrl() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    /**
     * etcd runs at nice -5, the priority a kvnode node's event loop and WAL thread get from the local clusters'
     * default JVM options, so that on shared cores neither system is favoured over the other or over the load
     * generator. nice(1) runs etcd all the same where it may not raise the priority (not root): it then says so
     * on the first line of the member's log.
     */
    static final List<String> NICE_PREFIX = List.of("nice", "-n", "-5");

    void configure(EtcdClusterSpec spec, String initialCluster, String clusterToken) {
        List<String> etcd = List.of(spec.etcdBinary().toString(),
                "--name", name,
                "--data-dir", dataDirectory.toString(),
                "--listen-client-urls", clientUrl().toString(),
                "--advertise-client-urls", clientUrl().toString(),
                "--listen-peer-urls", peerUrl(),
                "--initial-advertise-peer-urls", peerUrl(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-token", clusterToken,
                "--initial-cluster-state", "new",
                "--heartbeat-interval", Integer.toString(spec.heartbeatIntervalMillis()),
                "--election-timeout", Integer.toString(spec.electionTimeoutMillis()),
                "--logger", "zap",
                "--log-outputs", "stderr");
        List<String> command = new ArrayList<>(NICE_PREFIX);
        command.addAll(etcd);
        commandLine = List.copyOf(command);
    }

    /** Starts (or restarts: etcd ignores the initial-cluster flags once its data directory exists). */
    synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running as pid " + process.pid());
        }
        Files.createDirectories(logFile.getParent());
        process = new ProcessBuilder(commandLine).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        process.getOutputStream().close();
        paused = false;
    }

    synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@link System#nanoTime()} just after the last SIGKILL or SIGSTOP left; empty before the first. */
    synchronized OptionalLong signalSentNanos() {
        return signalSentNanos;
    }

    synchronized void kill() throws IOException {
        if (isAlive()) {
            process.destroyForcibly();
            signalSentNanos = OptionalLong.of(System.nanoTime());
            awaitExit(5);
        }
        paused = false;
    }

    synchronized void pause() throws IOException {
        requireAlive();
        signalSentNanos = OptionalLong.of(Signals.stop(process.pid()));
        paused = true;
    }

    synchronized void resume() throws IOException {
        requireAlive();
        Signals.send("CONT", process.pid());
        paused = false;
    }

    /** SIGCONT if paused (a stopped process cannot handle SIGTERM), SIGTERM, then SIGKILL after 5 s. */
    synchronized void stop() {
        if (!isAlive()) {
            return;
        }
        try {
            if (paused) {
                resume();
            }
        } catch (IOException e) {
            // fall through to the kill
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitExit(int seconds) throws IOException {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                throw new IOException(name + " (pid " + process.pid() + ") did not exit after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + name + " to exit", e);
        }
    }

    /** STOP and CONT go through kill(1) ({@link Signals}), to this process's pid only: it must still run. */
    private void requireAlive() {
        if (!isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
    }
}
