package io.kvbench.node;

import io.kvbench.net.OptionRange;
import io.kvbench.net.InboundLimits;
import io.kvbench.net.PeerServerConfig;
import io.kvbench.net.PortLimits;
import io.kvbench.net.WireFormat;
import io.kvbench.wal.SyncMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code kvnode run}: one node of a cluster, until SIGTERM (graceful, with leadership transfer) or SIGKILL. */
@Command(name = "run", mixinStandardHelpOptions = true, version = "kvnode 0.11",
        description = "Run one kvnode until SIGTERM. A leader hands leadership to its most up-to-date follower before exiting.")
public final class KvNodeMain implements Callable<Integer> {
    @OptionRange(min = 1)
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

    @OptionRange(min = 1, max = 1_000)
    @Option(names = "--tick-ms", defaultValue = "1", description = "Length of one core tick (default: ${DEFAULT-VALUE}).")
    int tickMillis;

    @OptionRange(min = 1, max = 600_000)
    @Option(names = "--election-timeout-min-ms", defaultValue = "150", description = "Randomized election timeout lower bound (default: ${DEFAULT-VALUE}).")
    int electionTimeoutMinMillis;

    @OptionRange(min = 2, max = 600_000)
    @Option(names = "--election-timeout-max-ms", defaultValue = "300", description = "Randomized election timeout upper bound, exclusive (default: ${DEFAULT-VALUE}).")
    int electionTimeoutMaxMillis;

    @OptionRange(min = 1, max = 600_000)
    @Option(names = "--heartbeat-ms", defaultValue = "50", description = "Leader heartbeat interval (default: ${DEFAULT-VALUE}).")
    int heartbeatMillis;

    @OptionRange(min = 1, max = 600_000)
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
    @OptionRange(min = 1)
    @Option(names = "--snapshot-every", defaultValue = "100000", description = "Snapshot and compact the log every N applied entries, as etcd's --snapshot-count (default: ${DEFAULT-VALUE}).")
    int snapshotEveryEntries;

    @Option(names = "--audit-writes", defaultValue = "false", arity = "0..1",
            description = "Count how many times each (client, seq) write is applied and report the totals in status, "
                    + "for chaos checks of exactly-once; memory grows with every write, so not for long runs (default: ${DEFAULT-VALUE}).")
    boolean auditWrites;

    @OptionRange(min = 1)
    @Option(names = "--max-sessions", defaultValue = "10000", description = "Client session table bound (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @OptionRange(min = 1)
    @Option(names = "--session-timeout-ms", defaultValue = "600000", description = "Idle session expiry, by the log's clock (default: ${DEFAULT-VALUE}).")
    long sessionTimeoutMillis;

    @OptionRange(min = 1)
    @Option(names = "--max-client-connections", defaultValue = "" + InboundLimits.DEFAULT_MAX_CLIENT_CONNECTIONS,
            description = "Client connections open at once; one more is answered OVERLOADED and closed (default: ${DEFAULT-VALUE}).")
    int maxClientConnections;

    @OptionRange(min = 1)
    @Option(names = "--max-peer-connections", defaultValue = "" + InboundLimits.DEFAULT_MAX_PEER_CONNECTIONS,
            description = "Peer connections open at once, handshaken or not (default: ${DEFAULT-VALUE}).")
    int maxPeerConnections;

    @OptionRange(min = 1)
    @Option(names = "--frame-timeout-ms", defaultValue = "" + InboundLimits.DEFAULT_FRAME_TIMEOUT_MILLIS,
            description = "A frame must be complete this long after its first byte, or its connection is closed (default: ${DEFAULT-VALUE}).")
    long frameTimeoutMillis;

    @OptionRange(min = 1)
    @Option(names = "--handshake-timeout-ms", defaultValue = "" + PeerServerConfig.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS,
            description = "A peer connection must send its Hello within this long (default: ${DEFAULT-VALUE}).")
    long handshakeTimeoutMillis;

    @OptionRange(min = 1, max = WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES, why = "the peer frame limit")
    @Option(names = "--handshake-max-frame-bytes", defaultValue = "" + InboundLimits.DEFAULT_HANDSHAKE_MAX_FRAME_BYTES,
            description = "Largest frame a peer connection may send before its handshake (default: ${DEFAULT-VALUE}).")
    int handshakeMaxFrameBytes;

    @OptionRange(min = WireFormat.DEFAULT_CLIENT_MAX_FRAME_BYTES, why = "the largest client frame")
    @Option(names = "--client-inbound-budget-bytes",
            description = "Bytes of unfinished frames over 64 KiB all client connections may hold at once; a frame that "
                    + "does not fit is refused (default: an eighth of the heap, 4 MiB to 256 MiB).")
    Long clientInboundBudgetBytes;

    @OptionRange(min = WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES, why = "the largest peer frame")
    @Option(names = "--peer-inbound-budget-bytes",
            description = "The same for peer connections (default: an eighth of the heap, 32 MiB to 256 MiB).")
    Long peerInboundBudgetBytes;

    @OptionRange(min = 1)
    @Option(names = "--quota-bytes",
            description = "Bytes the replicated state may hold (keys, values, sessions' stored replies); a write that would "
                    + "exceed it is refused with QuotaExceeded, reads and deletes go on (default: a quarter of the heap).")
    Long quotaBytes;

    @OptionRange(min = ByteBudgets.MIN_MAX_LOG_BYTES, why = "a handful of the largest entries")
    @Option(names = "--max-log-bytes",
            description = "Bytes the in-memory log may hold; beyond it a leader answers writes OVERLOADED until a snapshot "
                    + "compacts it (default: an eighth of the heap, at least 4 MiB).")
    Long maxLogBytes;

    @OptionRange(min = 1)
    @Option(names = "--snapshot-every-bytes",
            description = "Also snapshot and compact once the entries applied since the last snapshot hold this many bytes "
                    + "(default: a sixteenth of the heap; at most half of --max-log-bytes).")
    Long snapshotEveryLogBytes;

    // Issue 19's A/B switches: each defaults to the behaviour before it, so one jar runs both sides of a comparison.
    @Option(names = "--tick-timer", defaultValue = "next-deadline",
            description = "When the event loop counts ticks: every-tick (a timer every --tick-ms) or next-deadline (a timer "
                    + "for the next heartbeat, timeout or other action, the ticks since counted at once; 22 %% less CPU per write, "
                    + "issue 19) (default: ${DEFAULT-VALUE}).")
    String tickTimer;

    @Option(names = "--append-acks", defaultValue = "per-turn",
            description = "A follower's acknowledgements: per-turn (one per leader and event-loop turn, the highest index "
                    + "made durable; 10 %% less CPU per write, issue 19) or per-append (default: ${DEFAULT-VALUE}).")
    String appendAcks;

    @Option(names = "--wal-commit", defaultValue = "wal-thread",
            description = "Who writes and forces a turn's batches: wal-thread (handed to the WAL's thread, the event loop "
                    + "goes on meanwhile) or event-loop-when-idle (the event loop itself at the end of its turn when the WAL "
                    + "thread has nothing to do and the node is not leading or leads with at most one request unanswered: "
                    + "two thread hand-offs fewer per write, sequential writes 14-22 %% less CPU and a 15-31 %% lower p99, "
                    + "but the loop hears nothing while its fsync runs, so a disk stall of 200 ms or more costs the leader "
                    + "its leadership; issue 19) (default: ${DEFAULT-VALUE}).")
    String walCommit;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = config();
        // Log lines are formatted and printed off the event loop (BackgroundWriter says why).
        BackgroundLogHandler logHandler = BackgroundLogHandler.installOnRootLogger("kvnode-" + nodeId + "-log", System.err);
        NodeRuntime runtime;
        try {
            runtime = NodeRuntime.start(config, null, DiskFullTrigger.fromSystemProperty(config.dataDirectory()));
        } catch (IOException e) {
            // Damaged storage (a lost term and vote among it) names file and offset; a failed read, write or fsync
            // (a full disk) names file and operation (WalIoException): one line, and no start.
            System.err.println("kvnode " + nodeId + ": cannot start: " + e.getMessage());
            logHandler.close();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.shutdownGracefully(Duration.ofMillis(2L * electionTimeoutMaxMillis));
            logHandler.close();
        }, "kvnode-shutdown"));
        System.out.println("kvnode " + nodeId + " ready: peer " + config.peerAddress() + " client " + runtime.clientAddress()
                + " fsync=" + fsync + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        // Until SIGTERM (the hook stops the node and the JVM exits 0), or until the storage fails: then the node has
        // stopped acting and printed its one line, and the process exits 1 (fail-stop). The line is the last thing it
        // prints: closing its connections would add INFO lines that say nothing an operator needs.
        runtime.whenStorageFailed().thenRun(() -> java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF)).join();
        return 1;
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

    /** Options a local cluster sets for each node itself: not to be given for every node. */
    private static final List<String> PER_NODE_OPTIONS = List.of("--id", "--peers", "--clients", "--data-dir", "--event-log");

    /**
     * Checks {@code options}, {@code kvnode run} options to be given to every node of a local cluster (a benchmark's
     * {@code --node-arg}), as {@code kvnode run} would: known options, values in their ranges, a consistent
     * configuration. Options the cluster sets per node are refused.
     *
     * @throws IllegalArgumentException with one line naming what is wrong
     */
    public static void checkOptionsForEveryNode(List<String> options) {
        for (String option : options) {
            String name = option.split("=", 2)[0];
            if (PER_NODE_OPTIONS.contains(name)) {
                throw new IllegalArgumentException(name + " is set for each node by the local cluster, not for every node");
            }
        }
        List<String> arguments = new ArrayList<>(List.of("--id", "1", "--peers", "1=127.0.0.1:1",
                "--clients", "1=127.0.0.1:2", "--data-dir", "unused"));
        arguments.addAll(options);
        KvNodeMain main = new KvNodeMain();
        try {
            CommandLine.ParseResult parsed = new CommandLine(main).parseArgs(arguments.toArray(String[]::new));
            OptionRanges.check(parsed);
            main.config();
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
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
                .auditWrites(auditWrites).inboundLimits(inboundLimits()).byteBudgets(byteBudgets())
                .appendAcksPerTurn(choice("--append-acks", appendAcks, "per-append", "per-turn"))
                .tickTimerAtNextDeadline(choice("--tick-timer", tickTimer, "every-tick", "next-deadline"))
                .walCommitOnLoopWhenIdle(choice("--wal-commit", walCommit, "wal-thread", "event-loop-when-idle")).build();
    }

    /** False for {@code whenFalse}, true for {@code whenTrue}; anything else is a usage error naming the option. */
    private boolean choice(String option, String value, String whenFalse, String whenTrue) {
        if (value.equals(whenFalse)) return false;
        if (value.equals(whenTrue)) return true;
        throw new CommandLine.ParameterException(new CommandLine(this),
                option + " must be " + whenFalse + " or " + whenTrue + ", not " + value);
    }

    /** The byte budgets the options ask for, the rest from the heap; each checked with its option's name (exit 2). */
    ByteBudgets byteBudgets() {
        ByteBudgets defaults = ByteBudgets.defaults();
        long maxLog = maxLogBytes != null ? maxLogBytes : defaults.maxLogBytes();
        long snapshotEvery = snapshotEveryLogBytes != null ? snapshotEveryLogBytes
                : maxLogBytes != null ? Math.min(defaults.snapshotEveryLogBytes(), maxLog / 2) : defaults.snapshotEveryLogBytes();
        return new ByteBudgets(quotaBytes != null ? quotaBytes : defaults.quotaBytes(), maxLog, snapshotEvery);
    }


    /**
     * The inbound limits the options ask for. Each option's range was checked before the command ran ({@link
     * OptionRanges}); what is left is the handshake frame limit against this cluster's Hello.
     */
    InboundLimits inboundLimits() {
        InboundLimits defaults = InboundLimits.defaults();
        long clientBudget = clientInboundBudgetBytes != null ? clientInboundBudgetBytes : defaults.client().bufferBudgetBytes();
        long peerBudget = peerInboundBudgetBytes != null ? peerInboundBudgetBytes : defaults.peer().bufferBudgetBytes();
        int helloBytes = PeerServerConfig.helloFrameBytes(clusterId);
        if (handshakeMaxFrameBytes < helloBytes || handshakeMaxFrameBytes > WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("--handshake-max-frame-bytes must be between this cluster's Hello ("
                    + helloBytes + " bytes) and the peer frame limit (" + WireFormat.DEFAULT_PEER_MAX_FRAME_BYTES + "): "
                    + handshakeMaxFrameBytes);
        }
        return new InboundLimits(new PortLimits(maxClientConnections, frameTimeoutMillis, clientBudget),
                new PortLimits(maxPeerConnections, frameTimeoutMillis, peerBudget), handshakeTimeoutMillis, handshakeMaxFrameBytes);
    }

    /** Node ids are positive; picocli has split the list and converted each ID=HOST:PORT (NodeAddressConverter). */
    static Map<Integer, InetSocketAddress> checkedIds(String option, Map<Integer, InetSocketAddress> addresses) {
        for (int id : addresses.keySet()) {
            if (id <= 0) throw new IllegalArgumentException(option + ": node ids are positive, not " + id);
        }
        return new TreeMap<>(addresses);
    }
}
