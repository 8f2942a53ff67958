package io.kvbench.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `kvnode run`'s options build the node's configuration; its defaults are the builder's. */
class KvNodeMainTest {
    @Test
    void theCommandsDefaultsAreTheBuildersDefaults() {
        KvNodeMain main = new KvNodeMain();
        new CommandLine(main).parseArgs("--id", "2", "--peers", "1=127.0.0.1:7001,2=127.0.0.1:7002",
                "--clients", "1=127.0.0.1:8001,2=127.0.0.1:8002", "--data-dir", "d2");
        NodeConfig fromCommand = main.config();
        NodeConfig fromBuilder = NodeConfig.builder(2,
                Map.of(1, new InetSocketAddress("127.0.0.1", 7001), 2, new InetSocketAddress("127.0.0.1", 7002)),
                Map.of(1, new InetSocketAddress("127.0.0.1", 8001), 2, new InetSocketAddress("127.0.0.1", 8002)),
                Path.of("d2")).build();

        assertThat(fromCommand).usingRecursiveComparison().isEqualTo(fromBuilder);
        assertThat(fromCommand.eventLogFile()).isEqualTo(Path.of("d2", "events.jsonl"));
        assertThat(fromCommand.electionTimeoutMinMillis()).isEqualTo(150);
        assertThat(fromCommand.maxPendingRequests()).isEqualTo(65_536);
    }

    @Test
    void everyOptionReachesTheConfiguration() {
        KvNodeMain main = new KvNodeMain();
        new CommandLine(main).parseArgs("--id", "1", "--cluster-id", "lab", "--peers", "1=127.0.0.1:7001",
                "--clients", "1=127.0.0.1:8001", "--data-dir", "d1", "--event-log", "e.jsonl", "--tick-ms", "2",
                "--election-timeout-min-ms", "200", "--election-timeout-max-ms", "400", "--heartbeat-ms", "40",
                "--leader-lost-max-ms", "6", "--connection-closed-hint", "false", "--fsync", "none",
                "--snapshot-every", "500", "--audit-writes", "--max-sessions", "7", "--session-timeout-ms", "9000",
                "--tick-timer", "every-tick", "--append-acks", "per-append");
        NodeConfig config = main.config();

        assertThat(config.clusterId()).isEqualTo("lab");
        assertThat(config.eventLogFile()).isEqualTo(Path.of("e.jsonl"));
        assertThat(config.tickMillis()).isEqualTo(2);
        assertThat(config.electionTimeoutMinMillis()).isEqualTo(200);
        assertThat(config.electionTimeoutMaxMillis()).isEqualTo(400);
        assertThat(config.heartbeatIntervalMillis()).isEqualTo(40);
        assertThat(config.leaderLostTimeoutMaxMillis()).isEqualTo(6);
        assertThat(config.connectionClosedHint()).isFalse();
        assertThat(config.syncMode()).isEqualTo(io.kvbench.wal.SyncMode.NONE);
        assertThat(config.snapshotEveryEntries()).isEqualTo(500);
        assertThat(config.auditWrites()).isTrue();
        assertThat(config.maxSessions()).isEqualTo(7);
        assertThat(config.sessionTimeoutMillis()).isEqualTo(9000);
        assertThat(config.tickTimerAtNextDeadline()).isFalse();
        assertThat(config.appendAcksPerTurn()).isFalse();
        assertThat(config.driverConfig().appendAcksPerTurn()).isFalse();
    }

    /**
     * Issue 19's switches, each decided by an interleaved A/B: the timer at the next deadline (less CPU per write,
     * failover not significantly different once the status rebuild left the election's path) and one append
     * acknowledgement per turn (less CPU per write, more throughput) are the defaults.
     */
    @Test
    void theWritePathDefaults() {
        KvNodeMain main = new KvNodeMain();
        new CommandLine(main).parseArgs("--id", "1", "--peers", "1=127.0.0.1:7001", "--clients", "1=127.0.0.1:8001",
                "--data-dir", "d1");
        NodeConfig config = main.config();
        assertThat(config.tickTimerAtNextDeadline()).isTrue();
        assertThat(config.appendAcksPerTurn()).isTrue();
        assertThat(config.driverConfig().appendAcksPerTurn()).isTrue();
    }

    /** A benchmark's --node-arg: checked as `kvnode run` checks its options, one line naming what is wrong. */
    @Test
    void optionsForEveryNodeOfALocalClusterAreCheckedAsKvnodeRunChecksThem() {
        KvNodeMain.checkOptionsForEveryNode(List.of("--tick-ms=5", "--append-acks", "per-turn"));
        assertThatThrownBy(() -> KvNodeMain.checkOptionsForEveryNode(List.of("--tick-ms=0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--tick-ms must be from 1 to 1000, not 0");
        assertThatThrownBy(() -> KvNodeMain.checkOptionsForEveryNode(List.of("--append-acks=sometimes")))
                .hasMessage("--append-acks must be per-append or per-turn, not sometimes");
        assertThatThrownBy(() -> KvNodeMain.checkOptionsForEveryNode(List.of("--no-such-option")))
                .hasMessageContaining("Unknown option: '--no-such-option'");
        assertThatThrownBy(() -> KvNodeMain.checkOptionsForEveryNode(List.of("--data-dir=/tmp/x")))
                .hasMessage("--data-dir is set for each node by the local cluster, not for every node");
    }
}
