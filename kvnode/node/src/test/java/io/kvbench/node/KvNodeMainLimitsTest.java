package io.kvbench.node;

import io.kvbench.net.InboundLimits;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kvnode run}'s options: a bad value is a usage error (exit 2) of one line naming the option and its range, and
 * the data directory is not touched (a bad --max-sessions used to be found after the WAL had created its files); the
 * byte budgets' defaults come from the heap.
 */
class KvNodeMainLimitsTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--max-client-connections | 0 | --max-client-connections must be at least 1, not 0 (see 'kvnode run --help')",
            "--max-peer-connections | -3 | --max-peer-connections must be at least 1, not -3 (see 'kvnode run --help')",
            "--frame-timeout-ms | 0 | --frame-timeout-ms must be at least 1, not 0 (see 'kvnode run --help')",
            "--handshake-timeout-ms | -1 | --handshake-timeout-ms must be at least 1, not -1 (see 'kvnode run --help')",
            "--client-inbound-budget-bytes | 1000 | --client-inbound-budget-bytes must be at least 2097152 (the largest client frame), not 1000 (see 'kvnode run --help')",
            "--peer-inbound-budget-bytes | 1048576 | --peer-inbound-budget-bytes must be at least 16777216 (the largest peer frame), not 1048576 (see 'kvnode run --help')",
            "--handshake-max-frame-bytes | 10 | --handshake-max-frame-bytes must be between this cluster's Hello (27 bytes) and the peer frame limit (16777216): 10",
            "--handshake-max-frame-bytes | 16777217 | --handshake-max-frame-bytes must be from 1 to 16777216 (the peer frame limit), not 16777217 (see 'kvnode run --help')",
            "--tick-ms | 0 | --tick-ms must be from 1 to 1000, not 0 (see 'kvnode run --help')",
            "--max-sessions | 0 | --max-sessions must be at least 1, not 0 (see 'kvnode run --help')",
            "--quota-bytes | 0 | --quota-bytes must be at least 1, not 0 (see 'kvnode run --help')",
            "--max-log-bytes | 1000 | --max-log-bytes must be at least 4194304 (a handful of the largest entries), not 1000 (see 'kvnode run --help')",
            "--snapshot-every-bytes | -5 | --snapshot-every-bytes must be at least 1, not -5 (see 'kvnode run --help')",
            "--snapshot-every-bytes | 1099511627776 | --snapshot-every-bytes must be positive and at most half of --max-log-bytes (DEFAULT): 1099511627776",
    })
    void aBadLimitIsAUsageErrorNamingItsOption(String option, String value, String message) {
        StringWriter err = new StringWriter();
        var command = KvNodeCommand.commandLine();
        command.setErr(new PrintWriter(err));
        int exitCode = command.execute("run", "--id", "1", "--peers", "1=127.0.0.1:7001", "--clients", "1=127.0.0.1:8001",
                "--data-dir", directory.toString(), option, value);
        assertThat(exitCode).isEqualTo(2);
        String expected = message.replace("DEFAULT", Long.toString(ByteBudgets.defaults().maxLogBytes() / 2));
        assertThat(err.toString().strip()).isEqualTo("kvnode: " + expected);
        assertThat(directory).isEmptyDirectory();
    }

    @ParameterizedTest
    @CsvSource({"268435456, 67108864, 33554432, 16777216", "536870912, 134217728, 67108864, 33554432",
            "16777216, 4194304, 4194304, 1048576"})
    void theByteBudgetsAreAQuarterAnEighthAndASixteenthOfTheHeap(long heapBytes, long quota, long maxLog, long snapshotEvery) {
        ByteBudgets budgets = ByteBudgets.defaults(heapBytes);
        assertThat(budgets.quotaBytes()).isEqualTo(quota);
        assertThat(budgets.maxLogBytes()).isEqualTo(maxLog);
        assertThat(budgets.snapshotEveryLogBytes()).isEqualTo(snapshotEvery);
    }

    @org.junit.jupiter.api.Test
    void theByteBudgetOptionsReachTheCoreAndTheDriver() {
        KvNodeMain main = new KvNodeMain();
        new picocli.CommandLine(main).parseArgs("--id", "1", "--peers", "1=127.0.0.1:7001", "--clients", "1=127.0.0.1:8001",
                "--data-dir", "d1", "--quota-bytes", "1000000", "--max-log-bytes", "8000000", "--snapshot-every-bytes", "2000000");
        NodeConfig config = main.config();
        assertThat(config.byteBudgets()).isEqualTo(new ByteBudgets(1_000_000, 8_000_000, 2_000_000));
        assertThat(config.raftConfig().maxLogBytes()).isEqualTo(8_000_000);
        assertThat(config.driverConfig().quotaBytes()).isEqualTo(1_000_000);
        assertThat(config.driverConfig().snapshotEveryLogBytes()).isEqualTo(2_000_000);
        // Only the log's limit given: a snapshot is still due before it is half full.
        KvNodeMain logOnly = new KvNodeMain();
        new picocli.CommandLine(logOnly).parseArgs("--id", "1", "--peers", "1=127.0.0.1:7001", "--clients",
                "1=127.0.0.1:8001", "--data-dir", "d1", "--max-log-bytes", "4194304");
        assertThat(logOnly.config().byteBudgets().snapshotEveryLogBytes()).isLessThanOrEqualTo(2_097_152);
    }

    @ParameterizedTest
    @CsvSource({"268435456", "17179869184"})
    void theDefaultsAreTheHeapDerivedOnes(long heapBytes) {
        InboundLimits limits = InboundLimits.defaults(heapBytes);
        assertThat(limits.client().maxConnections()).isEqualTo(1024);
        assertThat(limits.peer().maxConnections()).isEqualTo(64);
        assertThat(limits.client().bufferBudgetBytes()).isBetween(4L << 20, 256L << 20);
        assertThat(limits.peer().bufferBudgetBytes()).isBetween(32L << 20, 256L << 20);
    }
}
