package io.kvbench.node;

import io.kvbench.net.InboundLimits;
import io.kvbench.net.PeerServerConfig;
import io.kvbench.net.PortLimits;
import io.kvbench.net.WireFormat;
import io.kvbench.wal.SyncMode;
import io.kvbench.wal.WalCorruptionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    @Option(names = "--peers", required = true, split = ",", paramLabel = "ID=HOST:PORT[,ID=HOST:PORT...]", hideParamSyntax = true,
            converter = {CommandLine.UseDefaultConverter.class, NodeAddressConverter.class},
            description = "Every node's peer address, this one's included: 1=127.0.0.1:7001,2=127.0.0.1:7002,...")
    Map<Integer, InetSocketAddress> peers;

    @Option(names = "--clients", required = true, split = ",", paramLabel = "ID=HOST:PORT[,ID=HOST:PORT...]", hideParamSyntax = true,
            converter = {CommandLine.UseDefaultConverter.class, NodeAddressConverter.class},
            description = "Every node's client address, this one's included (for leader redirects): 1=127.0.0.1:8001,...")
    Map<Integer, InetSocketAddress> clients;

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

    @Option(names = "--max-client-connections", defaultValue = "" + InboundLimits.DEFAULT_MAX_CLIENT_CONNECTIONS,
            description = "Client connections open at once; one more is answered OVERLOADED and closed (default: ${DEFAULT-VALUE}).")
    int maxClientConnections;

    @Option(names = "--max-peer-connections", defaultValue = "" + InboundLimits.DEFAULT_MAX_PEER_CONNECTIONS,
            description = "Peer connections open at once, handshaken or not (default: ${DEFAULT-VALUE}).")
    int maxPeerConnections;

    @Option(names = "--frame-timeout-ms", defaultValue = "" + InboundLimits.DEFAULT_FRAME_TIMEOUT_MILLIS,
            description = "A frame must be complete this long after its first byte, or its connection is closed (default: ${DEFAULT-VALUE}).")
    long frameTimeoutMillis;

    @Option(names = "--handshake-timeout-ms", defaultValue = "" + PeerServerConfig.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS,
            description = "A peer connection must send its Hello within this long (default: ${DEFAULT-VALUE}).")
    long handshakeTimeoutMillis;

    @Option(names = "--handshake-max-frame-bytes", defaultValue = "" + InboundLimits.DEFAULT_HANDSHAKE_MAX_FRAME_BYTES,
            description = "Largest frame a peer connection may send before its handshake (default: ${DEFAULT-VALUE}).")
    int handshakeMaxFrameBytes;

    @Option(names = "--client-inbound-budget-bytes",
            description = "Bytes of unfinished frames over 64 KiB all client connections may hold at once; a frame that "
                    + "does not fit is refused (default: an eighth of the heap, 4 MiB to 256 MiB).")
    Long clientInboundBudgetBytes;

    @Option(names = "--peer-inbound-budget-bytes",
            description = "The same for peer connections (default: an eighth of the heap, 32 MiB to 256 MiB).")
    Long peerInboundBudgetBytes;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = config();
        // Log lines are formatted and printed off the event loop (BackgroundWriter says why).
        BackgroundLogHandler logHandler = BackgroundLogHandler.installOnRootLogger("kvnode-" + nodeId + "-log", System.err);
        NodeRuntime runtime;
        try {
            runtime = NodeRuntime.start(config);
        } catch (WalCorruptionException e) {
            // Damaged storage (a lost term and vote among it): one line naming file and offset, and no start.
            System.err.println("kvnode " + nodeId + ": cannot start: " + e.getMessage());
            logHandler.close();
            return 1;
        }
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

    /**
     * The configuration {@code kvnode run OPTIONS} runs with: how an in-process node of a local cluster gets the very
     * configuration its child-process twin would. Bad options throw as they would on the command line.
     */
    public static NodeConfig configOf(List<String> runOptions) {
        KvNodeMain main = new KvNodeMain();
        new CommandLine(main).parseArgs(runOptions.toArray(String[]::new));
        return main.config();
    }

    /** The node's configuration from the options. */
    NodeConfig config() {
        SyncMode syncMode = switch (fsync) {
            case "always" -> SyncMode.ALWAYS;
            case "none" -> SyncMode.NONE;
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--fsync must be always or none, not " + fsync);
        };
        return NodeConfig.builder(nodeId, checkedIds("--peers", peers), checkedIds("--clients", clients), dataDirectory)
                .clusterId(clusterId).eventLogFile(eventLogFile).tickMillis(tickMillis)
                .electionTimeoutMillis(electionTimeoutMinMillis, electionTimeoutMaxMillis).heartbeatIntervalMillis(heartbeatMillis)
                .leaderLostTimeoutMaxMillis(leaderLostMaxMillis).connectionClosedHint(connectionClosedHint).syncMode(syncMode)
                .snapshotEveryEntries(snapshotEveryEntries).maxSessions(maxSessions).sessionTimeoutMillis(sessionTimeoutMillis)
                .auditWrites(auditWrites).inboundLimits(inboundLimits()).build();
    }


    /** The inbound limits the options ask for, each checked with its option's name (a usage error, exit 2). */
    InboundLimits inboundLimits() {
        InboundLimits defaults = InboundLimits.defaults();
        positive("--max-client-connections", maxClientConnections);
        positive("--max-peer-connections", maxPeerConnections);
        positive("--frame-timeout-ms", frameTimeoutMillis);
        positive("--handshake-timeout-ms", handshakeTimeoutMillis);
        long clientBudget = clientInboundBudgetBytes != null ? clientInboundBudgetBytes : defaults.client().bufferBudgetBytes();
        long peerBudget = peerInboundBudgetBytes != null ? peerInboundBudgetBytes : defaults.peer().bufferBudgetBytes();
        atLeast("--client-inbound-budget-bytes", clientBudget, WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, "the largest client frame");
        atLeast("--peer-inbound-budget-bytes", peerBudget, WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES, "the largest peer frame");
        int helloBytes = PeerServerConfig.helloFrameBytes(clusterId);
        if (handshakeMaxFrameBytes < helloBytes || handshakeMaxFrameBytes > WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("--handshake-max-frame-bytes must be between this cluster's Hello ("
                    + helloBytes + " bytes) and the peer frame limit (" + WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES + "): "
                    + handshakeMaxFrameBytes);
        }
        return new InboundLimits(new PortLimits(maxClientConnections, frameTimeoutMillis, clientBudget),
                new PortLimits(maxPeerConnections, frameTimeoutMillis, peerBudget), handshakeTimeoutMillis, handshakeMaxFrameBytes);
    }

    private static void positive(String option, long value) {
        if (value <= 0) throw new IllegalArgumentException(option + " must be positive: " + value);
    }

    private static void atLeast(String option, long value, long minimum, String what) {
        if (value < minimum) throw new IllegalArgumentException(option + " must be at least " + what + " (" + minimum + " bytes): " + value);
    }

    /** Node ids are positive; picocli has split the list and converted each ID=HOST:PORT (NodeAddressConverter). */
    static Map<Integer, InetSocketAddress> checkedIds(String option, Map<Integer, InetSocketAddress> addresses) {
        for (int id : addresses.keySet()) {
            if (id <= 0) throw new IllegalArgumentException(option + ": node ids are positive, not " + id);
        }
        return new TreeMap<>(addresses);
    }
}
