package io.kvbench.bench.jmh;

import io.kvbench.client.KvClient;
import io.kvbench.client.KvClientOptions;
import io.kvbench.kv.KvResult;
import io.kvbench.node.local.LocalCluster;
import io.kvbench.node.local.LocalClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One client's put, round trip, through {@link KvClient} against an in-process 3-node loopback cluster with
 * fsync ALWAYS: proposal, replication to a majority, fsync, apply, reply. Closed loop by nature (one request at a time), so this is a
 * cost, not a latency under load: open-loop percentiles come from the load generator (DESIGN.md, "Measuring").
 *
 * <p>Mode.SampleTime gives a percentile spectrum of the per-call cost beside the mean. The response is
 * returned (JMHSample_08_DeadCode); forked (JMHSample_12_Forking). The cluster lives for the trial and its
 * data directories are deleted after it.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ClientRoundTripBenchmark {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Path directory;
    private LocalCluster cluster;
    private KvClient client;
    private byte[] value;
    private long nextKey;

    @Setup(Level.Trial)
    public void startCluster() throws Exception {
        directory = BenchmarkDirectories.create("cluster-");
        cluster = LocalCluster.start(LocalClusterSpec.builder().fsync("always").leaderLostMaxMillis(10).auditWrites(false)
                .inProcess().build(), directory);
        cluster.awaitLeader(TIMEOUT);
        client = KvClient.connect(cluster.clientAddressList(), KvClientOptions.defaults())
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        value = new byte[100];
        new Random(42).nextBytes(value);
    }

    @TearDown(Level.Trial)
    public void stopCluster() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
        BenchmarkDirectories.delete(directory);
    }

    @Benchmark
    public KvResult.Written put() throws Exception {
        String key = "key-" + (nextKey++ & 1023);
        return client.put(key, value).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
