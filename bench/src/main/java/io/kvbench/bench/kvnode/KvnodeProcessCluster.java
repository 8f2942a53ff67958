package io.kvbench.bench.kvnode;

import io.kvbench.bench.etcd.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A kvnode cluster of separate JVMs on loopback, as deployed: each runs
 * {@code java -cp <classpath> io.kvbench.node.KvNodeCommand run --id N --peers ... --clients ... --data-dir ...}
 * and is ready once its log says {@code kvnode N ready}. {@link #close} stops each by its own process
 * (SIGTERM: a leader hands over first), then SIGKILL after a grace period.
 */
public final class KvnodeProcessCluster implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final Map<Integer, InetSocketAddress> clientAddresses = new TreeMap<>();
    private final Map<Integer, Process> processes = new TreeMap<>();

    private KvnodeProcessCluster(Path directory) {
        this.directory = directory;
    }

    /**
     * Starts {@code size} nodes with {@code --fsync fsync} under {@code directory}, using {@code classpath}
     * (which must hold kvnode-node and its dependencies; the runner's own class path does) and
     * {@code jvmOptions} for each node's JVM.
     */
    public static KvnodeProcessCluster start(int size, Path directory, String fsync, String classpath,
            List<String> jvmOptions) throws IOException {
        Files.createDirectories(directory);
        KvnodeProcessCluster cluster = new KvnodeProcessCluster(directory);
        List<Integer> ports = FreePorts.allocate(2 * size);
        StringJoiner peers = new StringJoiner(",");
        StringJoiner clients = new StringJoiner(",");
        for (int id = 1; id <= size; id++) {
            int peerPort = ports.get(2 * (id - 1));
            int clientPort = ports.get(2 * (id - 1) + 1);
            peers.add(id + "=127.0.0.1:" + peerPort);
            clients.add(id + "=127.0.0.1:" + clientPort);
            cluster.clientAddresses.put(id, new InetSocketAddress("127.0.0.1", clientPort));
        }
        try {
            for (int id = 1; id <= size; id++) {
                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(jvmOptions);
                command.addAll(List.of("-cp", classpath, "io.kvbench.node.KvNodeCommand", "run",
                        "--id", String.valueOf(id), "--peers", peers.toString(), "--clients", clients.toString(),
                        "--data-dir", directory.resolve("node-" + id).toString(), "--fsync", fsync));
                Path log = cluster.logFile(id);
                cluster.processes.put(id, new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start());
            }
            for (int id = 1; id <= size; id++) cluster.awaitReady(id);
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public Path logFile(int id) {
        return directory.resolve("node-" + id + ".log");
    }

    public List<InetSocketAddress> clientAddresses() {
        return new ArrayList<>(clientAddresses.values());
    }

    public Map<Integer, InetSocketAddress> clientAddressesById() {
        return Map.copyOf(clientAddresses);
    }

    public long pid(int id) {
        return processes.get(id).pid();
    }

    private void awaitReady(int id) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String ready = "kvnode " + id + " ready";
        while (true) {
            Path log = logFile(id);
            if (Files.exists(log) && Files.readString(log).contains(ready)) return;
            Process process = processes.get(id);
            if (!process.isAlive()) {
                throw new IOException("kvnode " + id + " exited with " + process.exitValue() + " before it was ready: "
                        + Files.readString(log));
            }
            if (System.nanoTime() > deadline) throw new IOException("kvnode " + id + " not ready within " + READY_TIMEOUT);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() {
        for (Process process : processes.values()) process.destroy(); // SIGTERM to this process only
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        processes.clear();
    }
}
