package io.kvbench.cli;

import io.kvbench.net.OptionRange;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvbench.bench.etcd.EtcdClusterSpec;
import io.kvbench.chaos.campaign.Campaign;
import io.kvbench.chaos.campaign.CampaignLoad;
import io.kvbench.chaos.campaign.CampaignProgress;
import io.kvbench.chaos.campaign.CampaignResult;
import io.kvbench.chaos.campaign.CampaignSpec;
import io.kvbench.chaos.campaign.FaultKind;
import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.cluster.EtcdClusterAdapter;
import io.kvbench.chaos.cluster.LocalKvCluster;
import io.kvbench.chaos.cluster.described.ClusterFile;
import io.kvbench.chaos.cluster.described.DescribedCluster;
import io.kvbench.chaos.cluster.described.NodeAction;
import io.kvbench.chaos.cluster.NetworkMode;
import io.kvbench.chaos.probe.FailoverProbe;
import io.kvbench.node.KvNodeMain;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeJvmOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kvbench chaos}: a campaign of faults against a fresh local cluster (kvnode or etcd), or a running one a
 * cluster file describes (kvnode or etcd), under load, each election timed, every operation recorded and
 * checked. Exit 0 when safe and recovered every time, else 1.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Kill (or pause, or stop, or partition) the leader again and again under load, and time every election.",
                "Then check that no acknowledged write was lost or applied twice and that registers stayed linearizable.",
                "Writes elections.csv, faults.csv, timeseries.csv, history.csv, *.hgrm, summary.csv, verdict.txt and charts;",
                "load/ holds the open-loop load generator's files (--load-rate)."})
public final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--target", defaultValue = "kvnode", description = "kvnode or etcd (default: ${DEFAULT-VALUE}).")
    String target;

    @OptionRange(min = 3, max = 5)
    @Option(names = "--nodes", defaultValue = "3", description = "Cluster size for kvnode, 3 or 5; etcd is always 3 (default: ${DEFAULT-VALUE}).")
    int nodeCount;

    @Option(names = "--fault", defaultValue = "kill-leader",
            description = {"kill-leader, pause-leader, terminate-leader (graceful, leadership transfer), kill-follower,",
                    "or, kvnode only, a silent partition (see --network): partition-leader (every peer link of the leader cut both ways),",
                    "partition-link (the link between the leader and one random follower cut both ways; the leader keeps a majority, no election expected)",
                    "or partition-leader-inbound (one way: the leader's peers' messages to it dropped, its own still delivered; check-quorum makes it step down)",
                    "(default: ${DEFAULT-VALUE})."})
    String fault;

    @Option(names = "--network", description = "kvnode: loopback (all nodes on 127.0.0.1), proxy (peer links through fault-injecting TCP proxies), "
            + "netns (each node in its own network namespace on a bridge, partitions drop packets; needs root and iproute2) "
            + "or auto (netns where available, else proxy, saying which). Default: auto for the partition faults, else loopback.")
    String network;

    @OptionRange(min = 1, max = 100_000)
    @Option(names = "--trials", defaultValue = "10", description = "Faults to inject (default: ${DEFAULT-VALUE}).")
    int trials;

    @OptionRange(min = 0, max = 3_600_000)
    @Option(names = "--interval-ms", defaultValue = "2000", description = "Time between faults (default: ${DEFAULT-VALUE}).")
    long intervalMillis;

    @OptionRange(min = 0, max = 3_600_000)
    @Option(names = "--downtime-ms", defaultValue = "500", description = "How long a fault lasts: a killed or paused node stays down, a cut link stays cut (default: ${DEFAULT-VALUE}).")
    long downtimeMillis;

    @OptionRange(min = 0, minExclusive = true, max = 100_000)
    @Option(names = "--rate-per-client", defaultValue = "100", description = "Writes per second per client thread (default: ${DEFAULT-VALUE}).")
    double ratePerClient;

    @OptionRange(min = 0, max = 1_000_000)
    @Option(names = "--load-rate", defaultValue = "200",
            description = "Open-loop load generator beside the checked clients for the whole campaign, writes per second; "
                    + "latency from the intended send time, files in load/; 0 = off (default: ${DEFAULT-VALUE}).")
    double loadRate;

    @OptionRange(min = 0.1, max = 2)
    @Option(names = "--probe-interval-ms", defaultValue = "1",
            description = {"Failover probe: from each fault until one is acknowledged, a fresh write to every node this often;",
                    "fault to first acknowledged write is timed by these, never by a client timeout. 0.1 to 2 (default: ${DEFAULT-VALUE})."})
    double probeIntervalMillis;

    @OptionRange(min = 1, max = 1_000)
    @Option(names = "--writers", defaultValue = "2", description = "Unique-key writer threads (default: ${DEFAULT-VALUE}).")
    int writers;

    @OptionRange(min = 0, max = 1_000)
    @Option(names = "--register-clients", defaultValue = "2", description = "Threads doing put/get/cas on shared registers (default: ${DEFAULT-VALUE}).")
    int registerClients;

    @OptionRange(min = Long.MIN_VALUE, max = Long.MAX_VALUE)
    @Option(names = "--seed", defaultValue = "1", description = "Seeds the fault schedule and workload (default: ${DEFAULT-VALUE}).")
    long seed;

    @OptionRange(min = 1, max = 60_000)
    @Option(names = "--election-timeout-min-ms", defaultValue = "150", description = "Randomized election timeout, lower bound; etcd gets --election-timeout of this value (default: ${DEFAULT-VALUE}).")
    int electionMin;

    @OptionRange(min = 2, max = 60_000)
    @Option(names = "--election-timeout-max-ms", defaultValue = "300", description = "kvnode: randomized election timeout, upper bound, exclusive; etcd randomizes in [t, 2t) itself (default: ${DEFAULT-VALUE}).")
    int electionMax;

    @OptionRange(min = 1, max = 10_000)
    @Option(names = "--heartbeat-ms", defaultValue = "50", description = "The leader's heartbeat interval, kvnode and etcd (default: ${DEFAULT-VALUE}).")
    int heartbeat;

    @Option(names = "--connection-closed-hint", defaultValue = "true", arity = "1", description = "kvnode fast failover on/off (default: ${DEFAULT-VALUE}).")
    boolean hint;

    @OptionRange(min = 1, max = 60_000)
    @Option(names = "--leader-lost-max-ms", defaultValue = "1",
            description = "kvnode: after the leader's connection closes, a follower pre-votes within [1 tick, this] (default: ${DEFAULT-VALUE}).")
    int leaderLostMaxMillis;

    @Option(names = "--client-fan-out", defaultValue = "true", arity = "1",
            description = "kvnode clients: while the leader is unknown, send a retry to every node, not one at a time (default: ${DEFAULT-VALUE}).")
    boolean clientFanOut;

    @OptionRange(min = 1, max = 3_600_000)
    @Option(names = "--op-timeout-ms", defaultValue = "5000",
            description = {"The checked clients' deadline for one operation, retries included (an attempt waits at most 300 ms, or this):",
                    "then a write is UNKNOWN (it may or may not have been applied) and a read FAIL. Short deadlines make",
                    "indeterminate outcomes occur, so that the checkers are exercised on them (default: ${DEFAULT-VALUE})."})
    long operationTimeoutMillis;

    @Option(names = "--fsync", defaultValue = "always", description = "kvnode: always or none (default: ${DEFAULT-VALUE}); etcd always fsyncs.")
    String fsync;

    @Option(names = "--jvm-opts", defaultValue = NodeJvmOptions.FAILOVER,
            description = "kvnode: JVM options of each node (default: ${DEFAULT-VALUE}). A kill -9 closes the node's "
                    + "sockets only after the kernel has freed its memory, so a smaller resident set is a faster failover.")
    String jvmOptions;

    @Option(names = "--node-arg", paramLabel = "OPTION",
            description = "kvnode, local cluster: one more `kvnode run` option for every node, as --node-arg=--tick-timer=next-deadline "
                    + "(repeatable; one that names an option the cluster sets replaces it). Checked as kvnode run checks it before "
                    + "anything starts; recorded in run.json as node_arguments. For A/B campaigns of the node's switches from one jar.")
    List<String> nodeArguments = new ArrayList<>();

    @Option(names = "--out", description = "Output folder (default: results/<version>/chaos-<target>-<fault>/<time>/).")
    Path output;

    @Option(names = "--no-plot", description = "Do not draw charts.")
    boolean noPlot;

    @Option(names = {"-q", "--quiet"}, description = "No progress line on stderr (trials done, recovered, fault to first ack p50, ETA).")
    boolean quiet;

    @Option(names = "--cluster-file", paramLabel = "FILE",
            description = {"Drive the running kvnode or etcd cluster FILE describes (client and peer addresses, and the shell commands",
                    "that start, stop and signal each node, e.g. over ssh: docs/clusters.md) instead of starting a local one. The file gives",
                    "the target, size and timing. Nodes are only touched by the fault commands; every node the campaign",
                    "killed, stopped or paused is started or resumed again before the command ends."})
    Path clusterFile;

    /** Options that shape a cluster this command starts; a described cluster has its own. */
    private static final List<String> LOCAL_CLUSTER_OPTIONS = List.of("--target", "--nodes", "--election-timeout-min-ms",
            "--election-timeout-max-ms", "--heartbeat-ms", "--connection-closed-hint", "--fsync", "--network", "--jvm-opts", "--node-arg");

    @Spec
    CommandSpec commandSpec;

    /** The JVM options the local kvnode cluster was started with (null for etcd or a described cluster). */
    private List<String> nodeJvmOptions;

    @Override
    public Integer call() throws Exception {
        return run();
    }

    int run() throws Exception {
        ClusterFile described = clusterFile == null ? null : readClusterFile();
        if (described != null) target = described.target();
        if (!target.equals("kvnode") && !target.equals("etcd")) throw new UsageException("--target must be kvnode or etcd, not " + target);
        // Every numeric option's range is checked before this runs (OptionRange); what is left is how options combine.
        if (nodeCount != 3 && nodeCount != 5) throw new UsageException("--nodes must be 3 or 5, not " + nodeCount);
        if (!nodeArguments.isEmpty() && (described != null || !target.equals("kvnode"))) {
            throw new UsageException("--node-arg is for the local kvnode cluster (not etcd, not --cluster-file)");
        }
        try {
            KvNodeMain.checkOptionsForEveryNode(nodeArguments);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--node-arg: " + e.getMessage());
        }
        Duration probeInterval = probeInterval();
        FaultKind faultKind = parseFault();
        NetworkMode networkMode = described != null ? null : networkMode(faultKind);
        if (described == null && target.equals("etcd") && electionMin < 5 * heartbeat) {
            throw new UsageException("--target etcd: etcd refuses an election timeout under 5x its heartbeat (--election-timeout-min-ms "
                    + electionMin + " < 5 x --heartbeat-ms " + heartbeat + "); e.g. --heartbeat-ms " + Math.max(1, electionMin / 5));
        }
        RunFolder folder = RunFolder.create(output, "chaos-" + target + "-" + faultKind.label());
        return folder.run(() -> campaign(folder.path(), described, faultKind, networkMode, probeInterval));
    }

    private int campaign(Path out, ClusterFile described, FaultKind faultKind, NetworkMode networkMode, Duration probeInterval)
            throws Exception {
        CampaignSpec spec = CampaignSpec.builder().runId(out.getFileName().toString()).gitSha(Git.sha(Home.directory()))
                .fault(faultKind).trials(trials).trialInterval(Duration.ofMillis(intervalMillis))
                .downtime(Duration.ofMillis(downtimeMillis)).seed(seed).uniqueWriters(writers)
                .registerClients(registerClients).ratePerThread(ratePerClient).generatorRatePerSecond(loadRate).clientFanOut(clientFanOut)
                .operationDeadline(Duration.ofMillis(operationTimeoutMillis)).probeInterval(probeInterval).build();
        System.err.printf("chaos: %d x %s on %s (%d nodes, network %s), about %d s; output %s%n", trials, faultKind.label(), target,
                described != null ? described.nodes().size() : target.equals("etcd") ? 3 : nodeCount,
                networkMode == null ? "as described" : networkMode.label(), trials * intervalMillis / 1000 + 5, out);
        CampaignResult result;
        String networkUsed;
        try (Cluster cluster = described != null ? DescribedCluster.connect(described, out.resolve("cluster"))
                : startCluster(out.resolve("cluster"), networkMode)) {
            networkUsed = cluster instanceof LocalKvCluster local ? local.network().label()
                    : described != null ? "described" : NetworkMode.LOOPBACK.label();
            result = Campaign.run(spec, cluster, out, quiet ? CampaignProgress.NONE : ChaosProgressLine.onStderr());
            // close() restores too, quietly; after a campaign that ran, a node left down must fail the command
            if (cluster instanceof DescribedCluster describedCluster) describedCluster.restore();
        }
        recordNetwork(out.resolve("run.json"), networkUsed);
        System.out.println("target: " + result.targetLabel());
        System.out.println("network: " + networkUsed);
        System.out.println(result.verdict().describe());
        System.out.println("recovered: " + result.trials().stream().filter(t -> t.recovered()).count() + "/" + result.trials().size());
        System.out.println(result.election());
        System.out.println(result.unavailability());
        result.load().ifPresent(load -> System.out.println(CampaignLoad.describe(load)));
        if (!noPlot) PlotCommand.run(List.of("all", out.toString()));
        ReportCommand.writeFor(out);
        System.out.println("results: " + out);
        return result.exitCode() == 0 ? KvbenchMain.EXIT_OK : KvbenchMain.EXIT_CHECK_FAILED;
    }

    /** --probe-interval-ms as a duration (its range, the probe's bounds, was checked: OptionRange). */
    private Duration probeInterval() throws UsageException {
        Duration interval = Duration.ofNanos(Math.round(probeIntervalMillis * 1e6));
        try {
            FailoverProbe.requireInterval(interval);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--probe-interval-ms: " + e.getMessage());
        }
        return interval;
    }

    private FaultKind parseFault() throws UsageException {
        try {
            return FaultKind.parse(fault);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--fault: " + e.getMessage());
        }
    }

    /** Reads --cluster-file and refuses the options it replaces, and a partition fault the file cannot inject. */
    private ClusterFile readClusterFile() throws java.io.IOException {
        for (String option : LOCAL_CLUSTER_OPTIONS) {
            if (commandSpec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new UsageException(option + " cannot be combined with --cluster-file: the file describes the cluster");
            }
        }
        ClusterFile file = ClusterFile.read(clusterFile);
        FaultKind faultKind = parseFault();
        if (faultKind.cutsSingleLinks()) {
            throw new UsageException("--fault " + faultKind.label() + " cuts single peer links or one direction, which a cluster file's "
                    + "isolate and rejoin commands cannot; run it on a local kvnode cluster (--network netns or proxy), or use partition-leader");
        }
        if (faultKind.cutsLinks() && file.nodes().stream().anyMatch(node -> node.command(NodeAction.ISOLATE).isEmpty() || node.command(NodeAction.REJOIN).isEmpty())) {
            throw new UsageException("--fault " + faultKind.label() + " needs isolate and rejoin commands for every node in " + clusterFile);
        }
        return file;
    }

    /** --network, checked against the target and fault; unset: auto for partitions (they need cuttable links), else loopback. */
    private NetworkMode networkMode(FaultKind faultKind) throws UsageException {
        boolean partitions = faultKind.cutsLinks();
        if (target.equals("etcd")) {
            if (partitions) throw new UsageException("--fault " + faultKind.label() + " needs --target kvnode (etcd members run on loopback, their links cannot be cut)");
            if (network != null && !network.equalsIgnoreCase(NetworkMode.LOOPBACK.label())) {
                throw new UsageException("--network applies to --target kvnode; etcd members always run on loopback");
            }
            return NetworkMode.LOOPBACK;
        }
        if (network == null) return partitions ? NetworkMode.AUTO : NetworkMode.LOOPBACK;
        NetworkMode mode;
        try {
            mode = NetworkMode.parse(network);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--network: " + e.getMessage());
        }
        if (partitions && !mode.supportsPartitions()) {
            throw new UsageException("--fault " + faultKind.label() + " needs --network proxy, netns or auto: loopback links cannot be cut");
        }
        return mode;
    }

    /** The campaign writes run.json without knowing how the nodes were networked; add it (resolved, never auto). */
    private void recordNetwork(Path runJson, String networkUsed) throws IOException {
        if (!Files.exists(runJson)) return;
        ObjectNode run = (ObjectNode) ClusterCommand.JSON.readTree(runJson.toFile());
        run.put("network", networkUsed);
        if (nodeJvmOptions != null) run.put("node_jvm_options", String.join(" ", nodeJvmOptions));
        if (nodeJvmOptions != null) run.putPOJO("node_arguments", nodeArguments);
        run.put("harness_jvm_options", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        ClusterCommand.JSON.writeValue(runJson.toFile(), run);
    }

    private Cluster startCluster(Path runDirectory, NetworkMode networkMode) throws Exception {
        if (target.equals("etcd")) {
            return EtcdClusterAdapter.start(EtcdClusterSpec.threeMembers().withTiming(heartbeat, electionMin), runDirectory);
        }
        nodeJvmOptions = NodeJvmOptions.split(jvmOptions.isBlank() ? NodeJvmOptions.FAILOVER : jvmOptions);
        LocalClusterSpec spec = LocalClusterSpec.builder().nodeCount(nodeCount).electionTimeoutMillis(electionMin, electionMax)
                .heartbeatMillis(heartbeat).leaderLostMaxMillis(leaderLostMaxMillis).connectionClosedHint(hint).fsync(fsync)
                .jvmOptions(nodeJvmOptions).extraNodeArguments(nodeArguments).build();
        return LocalKvCluster.start(spec, networkMode, runDirectory);
    }
}
