package io.kvbench.bench.reference;

import io.kvbench.bench.etcd.EtcdCluster;
import io.kvbench.bench.etcd.EtcdClusterSpec;
import io.kvbench.bench.etcd.EtcdTarget;
import io.kvbench.bench.load.LoadSpec;
import io.kvbench.bench.load.OperationMix;
import io.kvbench.bench.proc.MeasuredProcesses;
import io.kvbench.bench.target.KvnodeTarget;
import io.kvbench.bench.target.Target;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeJvmOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sweep's clusters on this machine, set up as the reference runs set theirs up: three kvnode processes with the
 * reference JVM options and fsync always, their JIT warmed until quiet first ({@link JitWarmup}); or three etcd
 * members (Debian's etcd-server, under nice -5). Closing one stops it and deletes its storage (kvnode's WAL segments
 * and hard state, etcd's member folders: hundreds of MB of preallocated files), keeping the logs.
 */
public final class LocalSweepClusters implements RateSweep.Clusters {
    public static final List<String> TARGETS = List.of("kvnode", "etcd");
    /** One request per connection at a time (HTTP/1.1): 22 per member, as the reference runs' 64-client etcd load. */
    private static final int ETCD_CONNECTIONS_PER_MEMBER_AT_MOST = 22;

    private final String classpath;
    private final boolean jitWarmup;
    private final PrintStream log;

    /**
     * @param classpath the kvnode processes' class path (this JVM's)
     * @param jitWarmup warm a fresh kvnode cluster's JIT until it is quiet before its peak run (as the reference runs do)
     */
    public LocalSweepClusters(String classpath, boolean jitWarmup, PrintStream log) {
        this.classpath = classpath;
        this.jitWarmup = jitWarmup;
        this.log = log;
    }

    @Override
    public RateSweep.Cluster start(String target, Path directory) throws Exception {
        return switch (target) {
            case "kvnode" -> startKvnode(directory);
            case "etcd" -> startEtcd(directory);
            default -> throw new IllegalArgumentException("unknown target " + target + " (kvnode or etcd)");
        };
    }

    private RateSweep.Cluster startKvnode(Path directory) throws Exception {
        List<String> jvmOptions = NodeJvmOptions.split(NodeJvmOptions.THROUGHPUT);
        // As the reference runs' (ReferenceRuns.startKvnode), without their GC logs.
        LocalCluster cluster = LocalCluster.start(LocalClusterSpec.builder().nodeCount(3).fsync("always").auditWrites(false)
                .startTimeout(Duration.ofSeconds(60)).jvmOptions(jvmOptions).classPath(classpath)
                .stopGracePeriod(Duration.ofSeconds(10)).build(), directory);
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("nodes", 3);
        description.put("fsync", "always");
        description.put("jvmOptions", String.join(" ", jvmOptions));
        try {
            if (jitWarmup) {
                log.println("sweep kvnode: warming the fresh cluster's JIT until it is quiet (up to "
                        + JitWarmup.MAX_WARMUP.toSeconds() + " s)");
                JitWarmup.Result result = JitWarmup.run(cluster.clientAddressList(), LocalSweepClusters::warmupSpec,
                        directory.resolveSibling("jit-warmup"));
                description.put("jitWarmup", result.describe());
            } else {
                description.put("jitWarmup", "skipped (--no-jit-warmup): the first steps include the nodes' compiling");
            }
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return new RateSweep.Cluster() {
            @Override
            public Target target(int inFlight) {
                int connections = Math.min(inFlight, ReferenceRuns.MAX_KVNODE_CONNECTIONS);
                return new KvnodeTarget(cluster.clientAddressList(), connections, (inFlight + connections - 1) / connections,
                        RateSweep.OPERATION_TIMEOUT);
            }

            @Override
            public Map<String, Object> describe() {
                return description;
            }

            @Override
            public Map<String, Long> pids() {
                Map<String, Long> pids = new LinkedHashMap<>();
                for (int id = 1; id <= 3; id++) pids.put(MeasuredProcesses.node(id), cluster.pid(id));
                return pids;
            }

            @Override
            public void close() throws Exception {
                cluster.close();
                deleteStorage(directory);
            }
        };
    }

    private static LoadSpec.Builder warmupSpec() {
        return LoadSpec.builder().keyCount(1000).valueSizeBytes(100).mix(OperationMix.writesOnly())
                .operationTimeout(RateSweep.OPERATION_TIMEOUT).senderThreads(1).duration(Duration.ofSeconds(1));
    }

    private RateSweep.Cluster startEtcd(Path directory) throws IOException {
        EtcdCluster etcd = EtcdCluster.start(EtcdClusterSpec.threeMembers(), directory);
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("members", etcd.memberCount());
        description.put("commandPrefix", String.join(" ", EtcdCluster.COMMAND_PREFIX));
        return new RateSweep.Cluster() {
            @Override
            public Target target(int inFlight) {
                int perMember = Math.min(ETCD_CONNECTIONS_PER_MEMBER_AT_MOST, (inFlight + etcd.memberCount() - 1) / etcd.memberCount());
                // A sweep measures etcd, not failover: one attempt may take the whole operation deadline.
                return new EtcdTarget(etcd.clientUrls(), perMember, RateSweep.OPERATION_TIMEOUT, RateSweep.OPERATION_TIMEOUT,
                        EtcdTarget.DEFAULT_UNHEALTHY_BACKOFF);
            }

            @Override
            public Map<String, Object> describe() {
                return description;
            }

            @Override
            public Map<String, Long> pids() {
                Map<String, Long> pids = new LinkedHashMap<>();
                for (int member = 0; member < etcd.memberCount(); member++) pids.put("etcd" + (member + 1), etcd.pid(member));
                return pids;
            }

            @Override
            public void close() throws IOException {
                etcd.close();
                deleteStorage(directory);
            }
        };
    }

    /** The nodes' storage under a cluster's folder, not their logs or event logs. */
    static void deleteStorage(Path directory) throws IOException {
        List<Path> storage;
        try (Stream<Path> paths = Files.walk(directory)) {
            storage = paths.filter(path -> {
                String name = path.getFileName().toString();
                return name.endsWith(".etcd") && Files.isDirectory(path)
                        || name.startsWith("wal-") || name.startsWith("hardstate") || name.startsWith("snapshot-");
            }).toList();
        }
        for (Path path : storage) ReferenceRuns.deleteRecursively(path);
    }
}
