package io.kvbench.bench.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kvbench.bench.target.OpResult;
import io.kvbench.bench.target.Operation;
import io.kvbench.bench.target.Outcome;
import io.kvbench.net.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * EtcdTarget's failover against a real 3-member etcd (a fresh cluster per test, since one test kills a member);
 * skipped only where etcd is not installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdFailoverTest {

    private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path runDirectory;
    private EtcdCluster cluster;

    @BeforeEach
    void startCluster() throws Exception {
        assumeTrue(Files.isExecutable(EtcdClusterSpec.DEBIAN_ETCD), "etcd is not installed (apt-get install -y etcd-server)");
        // A shorter election than etcd's default (like the chaos campaign's), so the test measures the client.
        cluster = EtcdCluster.start(EtcdClusterSpec.threeMembers().withTiming(50, 500), runDirectory.resolve("cluster"));
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRefusedEndpointIsSkippedForEveryOperationKind() throws Exception {
        List<URI> endpoints = new ArrayList<>();
        endpoints.add(URI.create("http://127.0.0.1:" + FreePorts.allocate(1).get(0))); // nobody listens
        endpoints.addAll(cluster.clientUrls());
        try (EtcdTarget target = new EtcdTarget(endpoints, 1, Duration.ofSeconds(5))) {
            target.open();
            // Operation 0 prefers the dead endpoint: a refused connect sent nothing, so even a CAS is retried.
            assertThat(call(target, Operation.compareAndSet("cas", null, VALUE)).outcome()).isEqualTo(Outcome.OK);
            for (int i = 0; i < 8; i++) {
                assertThat(call(target, Operation.put("k" + i, VALUE)).outcome()).isEqualTo(Outcome.OK);
                assertThat(call(target, Operation.get("k" + i)).outcome()).isEqualTo(Outcome.OK);
            }
        }
    }

    @Test
    void aSilentEndpointMakesAWriteUnknownAfterOneAttemptButAReadIsRetried() throws Exception {
        // Accepts connections (the kernel does) and never answers: an unresponsive member.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<URI> endpoints = new ArrayList<>();
            endpoints.add(URI.create("http://127.0.0.1:" + silent.getLocalPort()));
            endpoints.addAll(cluster.clientUrls());
            for (Operation write : List.of(Operation.put("p", VALUE), Operation.compareAndSet("c", null, VALUE))) {
                try (EtcdTarget target = new EtcdTarget(endpoints, 1, Duration.ofSeconds(5), Duration.ofMillis(300),
                        Duration.ofSeconds(5))) {
                    target.open();
                    // Operation 0 prefers the silent member. The write may have reached it: a retry could apply
                    // it twice, so it is unknown after one attempt rather than after the whole deadline.
                    long start = System.nanoTime();
                    assertThat(call(target, write).outcome()).isEqualTo(Outcome.TIMEOUT);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                    // The silent member is now skipped.
                    assertThat(call(target, write).outcome()).isEqualTo(Outcome.OK);
                }
            }
            try (EtcdTarget target = new EtcdTarget(endpoints, 1, Duration.ofSeconds(5), Duration.ofMillis(300),
                    Duration.ofSeconds(5))) {
                target.open();
                long start = System.nanoTime();
                assertThat(call(target, Operation.get("p")).outcome()).isEqualTo(Outcome.OK);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250),
                        Duration.ofMillis(2000));
            }
        }
    }

    @Test
    void putsKeepSucceedingWhenTheLeaderIsKilled() throws Exception {
        int leader = cluster.awaitLeader(Duration.ofSeconds(10));
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicInteger notOk = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writers = Executors.newFixedThreadPool(3);
        try (EtcdTarget target = new EtcdTarget(cluster.clientUrls(), 2, Duration.ofSeconds(5))) {
            target.open();
            for (int writer = 0; writer < 3; writer++) {
                int id = writer;
                writers.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        OpResult result = call(target, Operation.put("w" + id + "-" + i, VALUE));
                        if (result.outcome() == Outcome.OK) {
                            acknowledged.add(System.nanoTime());
                        } else {
                            notOk.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(500);
            assertThat(acknowledged).isNotEmpty();
            // Every member is preferred by every third operation; the leader is the member whose loss hurts most.
            long killedAt = System.nanoTime();
            cluster.kill(leader);
            Thread.sleep(3000);
            stop.set(true);
            writers.shutdown();
            assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            List<Long> after = acknowledged.stream().filter(t -> t > killedAt).sorted().toList();
            assertThat(after).as("puts acknowledged after the kill").hasSizeGreaterThan(20);
            assertThat(Duration.ofNanos(after.get(0) - killedAt)).as("kill to first acknowledged put")
                    .isLessThan(Duration.ofSeconds(2));
            long widestGap = 0;
            for (int i = 1; i < after.size(); i++) {
                widestGap = Math.max(widestGap, after.get(i) - after.get(i - 1));
            }
            assertThat(Duration.ofNanos(widestGap)).as("widest gap between acknowledgements after the kill")
                    .isLessThan(Duration.ofSeconds(2));
            System.out.printf("leader %d killed: first put acknowledged after %d ms, widest gap %d ms, %d puts after,"
                    + " %d not OK%n", leader, (after.get(0) - killedAt) / 1_000_000, widestGap / 1_000_000,
                    after.size(), notOk.get());
            // A put in flight on the killed member is unknown (TIMEOUT), not retried: only a few of those.
            assertThat(notOk.get()).as("puts not OK").isLessThan(50);
        } finally {
            stop.set(true);
            writers.shutdownNow();
        }
    }

    private static OpResult call(EtcdTarget target, Operation operation) throws Exception {
        return target.execute(operation).get(10, TimeUnit.SECONDS);
    }
}
