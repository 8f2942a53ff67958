package io.kvbench.node;

import io.kvbench.wal.SyncMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code kvnode run}: one node of a cluster, until SIGTERM (graceful, with leadership transfer) or SIGKILL. */
@Command(name = "run", mixinStandardHelpOptions = true, version = "kvnode 0.11",
        description = "Run one kvnode until SIGTERM. A leader hands leadership to its most up-to-date follower before exiting.")
public final class KvNodeMain implements Callable<Integer> {
    @Option(names = "--id", required = true, description = "This node's id (positive, one of --peers).")
    int nodeId;

    @Option(names = "--cluster-id", defaultValue = "kvbench",
            description = "Cluster name checked in every peer handshake, so a node never joins the wrong cluster (default: ${DEFAULT-VALUE}).")
    String clusterId;

    @Option(names = "--peers", required = true,
            description = "Every node's peer address, this one's included: 1=127.0.0.1:7001,2=127.0.0.1:7002,...")
    String peers;

    @Option(names = "--clients", required = true,
            description = "Every node's client address, this one's included (for leader redirects): 1=127.0.0.1:8001,...")
    String clients;

    @Option(names = "--data-dir", required = true, description = "WAL, hard state and snapshots.")
    Path dataDirectory;

    @Option(names = "--event-log", description = "JSON lines of role changes (default: DATA_DIR/events.jsonl).")
    Path eventLogFile;

    @Option(names = "--tick-ms", defaultValue = "1", description = "Length of one core tick (default: ${DEFAULT-VALUE}).")
    int tickMillis;

    @Option(names = "--election-timeout-min-ms", defaultValue = "150", description = "Randomized election timeout lower bound (default: ${DEFAULT-VALUE}).")
    int electionTimeoutMinMillis;

    @Option(names = "--election-timeout-max-ms", defaultValue = "300", description = "Randomized election timeout upper bound, exclusive (default: ${DEFAULT-VALUE}).")
    int electionTimeoutMaxMillis;

    @Option(names = "--heartbeat-ms", defaultValue = "50", description = "Leader heartbeat interval (default: ${DEFAULT-VALUE}).")
    int heartbeatMillis;

    @Option(names = "--leader-lost-max-ms", defaultValue = "1",
            description = "After the connection to the leader closes, start a pre-vote within [1 tick, this] (default: ${DEFAULT-VALUE}).")
    int leaderLostMaxMillis;

    @Option(names = "--connection-closed-hint", defaultValue = "true", arity = "1",
            description = "Treat a closed connection to the leader as a lost leader (fast failover) (default: ${DEFAULT-VALUE}).")
    boolean connectionClosedHint;

    @Option(names = "--fsync", defaultValue = "always",
            description = "always: every acknowledged write is durable; none: for comparison only, reported everywhere (default: ${DEFAULT-VALUE}).")
    String fsync;

    // etcd's default --snapshot-count. Every node reaches the same applied index at about the same time, so a
    // snapshot pauses the whole cluster at once; at 25,000 writes/s a 10,000-entry period did so twice a second.
    @Option(names = "--snapshot-every", defaultValue = "100000", description = "Snapshot and compact the log every N applied entries, as etcd's --snapshot-count (default: ${DEFAULT-VALUE}).")
    int snapshotEveryEntries;

    @Option(names = "--audit-writes", defaultValue = "false", arity = "0..1",
            description = "Count how many times each (client, seq) write is applied and report the totals in status, "
                    + "for chaos checks of exactly-once; memory grows with every write, so not for long runs (default: ${DEFAULT-VALUE}).")
    boolean auditWrites;

    @Option(names = "--max-sessions", defaultValue = "10000", description = "Client session table bound (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--session-timeout-ms", defaultValue = "600000", description = "Idle session expiry, by the log's clock (default: ${DEFAULT-VALUE}).")
    long sessionTimeoutMillis;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = config();
        // Log lines are formatted and printed off the event loop (BackgroundWriter says why).
        BackgroundLogHandler logHandler = BackgroundLogHandler.installOnRootLogger("kvnode-" + nodeId + "-log", System.err);
        NodeRuntime runtime = NodeRuntime.start(config);
        CountDownLatch exited = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.shutdownGracefully(Duration.ofMillis(2L * electionTimeoutMaxMillis));
            logHandler.close();
            exited.countDown();
        }, "kvnode-shutdown"));
        System.out.println("kvnode " + nodeId + " ready: peer " + config.peerAddress() + " client " + runtime.clientAddress()
                + " fsync=" + fsync + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        exited.await();
        return 0;
    }

    /** The node's configuration from the options. */
    NodeConfig config() {
        SyncMode syncMode = switch (fsync) {
            case "always" -> SyncMode.ALWAYS;
            case "none" -> SyncMode.NONE;
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--fsync must be always or none, not " + fsync);
        };
        return NodeConfig.builder(nodeId, parseAddresses("--peers", peers), parseAddresses("--clients", clients), dataDirectory)
                .clusterId(clusterId).eventLogFile(eventLogFile).tickMillis(tickMillis)
                .electionTimeoutMillis(electionTimeoutMinMillis, electionTimeoutMaxMillis).heartbeatIntervalMillis(heartbeatMillis)
                .leaderLostTimeoutMaxMillis(leaderLostMaxMillis).connectionClosedHint(connectionClosedHint).syncMode(syncMode)
                .snapshotEveryEntries(snapshotEveryEntries).maxSessions(maxSessions).sessionTimeoutMillis(sessionTimeoutMillis)
                .auditWrites(auditWrites).build();
    }

    /** Parses {@code 1=host:port,2=host:port}; a malformed entry is a usage error that names it. */
    static Map<Integer, InetSocketAddress> parseAddresses(String option, String text) {
        Map<Integer, InetSocketAddress> addresses = new TreeMap<>();
        for (String part : text.split(",")) {
            String entry = part.trim();
            int equals = entry.indexOf('=');
            int colon = entry.lastIndexOf(':');
            if (equals <= 0 || colon <= equals + 1 || colon == entry.length() - 1) {
                throw new IllegalArgumentException(option + ": expected ID=HOST:PORT, got '" + entry + "'");
            }
            try {
                int id = Integer.parseInt(entry.substring(0, equals));
                int port = Integer.parseInt(entry.substring(colon + 1));
                if (id <= 0 || port <= 0 || port > 65535) throw new NumberFormatException();
                addresses.put(id, new InetSocketAddress(entry.substring(equals + 1, colon), port));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": bad id or port in '" + entry + "'");
            }
        }
        return addresses;
    }
}
