package io.kvbench.chaos.cluster;

import io.kvbench.node.local.LocalClusterSpec;
import io.kvbench.node.local.NodeJvmOptions;
import io.kvbench.chaos.client.KvSessionClient;
import io.kvbench.net.NettyResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20, finding 6, on real processes: the leader's disk fills up (the nodes' test-only
 * {@code -Dkvnode.test.diskFullWhenExists}: once DATA_DIR/disk-full exists, every WAL write and fsync fails with
 * ENOSPC). Found: the node stayed up reporting {@code role: LEADER} in term 1 beside the real leader of term 2, and a
 * restart on the full disk exited with {@code java.io.IOException: No space left on device}, naming neither file nor
 * operation. Here the node must exit non-zero with one line naming the file and the operation, the others elect a
 * leader and serve the write it could not make durable; restarted on the still-full disk it exits again with one such
 * line; with room on the disk it starts from what its disk holds and catches up. Waits on conditions, with deadlines.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StorageFailureProcessTest {
    private static final String TRIGGER = "disk-full";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path runDirectory;

    @Test
    void aLeaderWhoseDiskFillsExitsWithOneLineAndTheOthersServe() throws Exception {
        List<String> jvmOptions = new ArrayList<>(NodeJvmOptions.split(NodeJvmOptions.FAILOVER));
        jvmOptions.add("-Dkvnode.test.diskFullWhenExists=" + TRIGGER);
        try (NettyResources netty = new NettyResources("test-clients", 1);
             LocalKvCluster cluster = LocalKvCluster.start(LocalClusterSpec.builder().jvmOptions(jvmOptions).build(), runDirectory);
             KvSessionClient client = new KvSessionClient(netty, cluster.clientAddresses(), 1, Duration.ofMillis(500),
                     Duration.ofSeconds(30))) {
            LeaderInfo leader = cluster.awaitLeader(WAIT);
            int failed = leader.nodeId();
            assertThat(client.put("before", "1").ok()).isTrue();
            long logBytesBefore = Files.size(cluster.logFile(failed));

            Files.createFile(cluster.dataDirectory(failed).resolve(TRIGGER));
            // The client retries the write the failed leader could not make durable elsewhere, same sequence number.
            assertThat(client.put("during", "2").ok()).isTrue();
            awaitCondition(() -> !cluster.isRunning(failed), "n" + failed + " to exit");

            assertThat(cluster.exitDescription(failed)).isEqualTo("exit code 1");
            String line = onlyLineSince(cluster.logFile(failed), logBytesBefore, false);
            assertThat(line).matches("kvnode " + failed + ": storage failed, stopping: (write|fdatasync|fsync) "
                    + Pattern.quote(cluster.dataDirectory(failed).toString()) + "/\\S+ failed: No space left on device.*");
            LeaderInfo next = cluster.awaitLeader(WAIT);
            assertThat(next.nodeId()).isNotEqualTo(failed);
            assertThat(next.term()).isGreaterThan(leader.term());
            assertThat(client.get("during").value()).isEqualTo("2");

            // Restarted on the still-full disk: it exits again, one line naming the file and the operation.
            long logBytesAtRestart = Files.size(cluster.logFile(failed));
            try {
                cluster.restart(failed);
            } catch (IOException exitedWhileStarting) {
                // it may fail before it prints its ready line (a write at start) or after (its first append)
            }
            awaitCondition(() -> !cluster.isRunning(failed), "n" + failed + " to exit again on the full disk");
            assertThat(cluster.exitDescription(failed)).isEqualTo("exit code 1");
            assertThat(onlyLineSince(cluster.logFile(failed), logBytesAtRestart, true))
                    .matches("kvnode " + failed + ": (cannot start|storage failed, stopping): (write|fdatasync|fsync|open) "
                            + Pattern.quote(cluster.dataDirectory(failed).toString()) + "/\\S+ failed: No space left on device.*");

            // With room on the disk again it starts on what its disk holds and catches up.
            Files.delete(cluster.dataDirectory(failed).resolve(TRIGGER));
            cluster.restart(failed);
            assertThat(client.put("after", "3").ok()).isTrue();
            long committed = cluster.status(cluster.awaitLeader(WAIT).nodeId()).orElseThrow().commitIndex();
            cluster.awaitApplied(failed, committed, WAIT);
        }
    }

    /**
     * The one line the node printed since {@code fromByte}; fails if there are others. {@code started}: the node
     * started since, so its start-up output is left out: the JVM's own warnings (thread priorities without the right
     * to raise them), its INFO lines (ports listening, peers connected) and its ready line.
     */
    private static String onlyLineSince(Path logFile, long fromByte, boolean started) throws IOException {
        byte[] bytes = Files.readAllBytes(logFile);
        String appended = new String(bytes, (int) fromByte, bytes.length - (int) fromByte, StandardCharsets.UTF_8);
        List<String> lines = appended.lines()
                .filter(text -> !started || !(text.contains(" ready: peer ") || text.matches("\\S+Z INFO .*")
                        || text.startsWith("OpenJDK") || text.contains("warning: -XX:")))
                .toList();
        assertThat(lines).as("the node's output since byte %d:%n%s", fromByte, appended).hasSize(1);
        return lines.get(0);
    }

    private static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
