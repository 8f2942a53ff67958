package io.kvbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kvbench chaos --fault} choices that cannot run stop before any cluster starts: exit 2, one line saying why. */
class ChaosCommandFaultTest {
    @TempDir
    Path directory;

    private String errors;

    private int chaos(String... arguments) {
        CommandLine commandLine = KvbenchMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        String[] all = new String[arguments.length + 3];
        all[0] = "chaos";
        all[1] = "--out";
        all[2] = directory.resolve("out").toString();
        System.arraycopy(arguments, 0, all, 3, arguments.length);
        int exitCode = commandLine.execute(all);
        errors = err.toString();
        return exitCode;
    }

    @Test
    void anUnknownFaultListsEveryFault() {
        assertThat(chaos("--fault", "partition-everything")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: --fault: unknown fault partition-everything; one of kill-leader, pause-leader, "
                + "terminate-leader, kill-follower, partition-leader, partition-link, partition-leader-inbound" + System.lineSeparator());
    }

    @Test
    void linkFaultsNeedLinksThatCanBeCut() {
        assertThat(chaos("--fault", "partition-link", "--network", "loopback")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: --fault partition-link needs --network proxy, netns or auto: loopback links cannot be cut"
                + System.lineSeparator());
        assertThat(chaos("--fault", "partition-leader-inbound", "--target", "etcd")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: --fault partition-leader-inbound needs --target kvnode (etcd members run on loopback, "
                + "their links cannot be cut)" + System.lineSeparator());
    }

    @Test
    void etcdWithAnElectionTimeoutUnderFiveHeartbeatsIsAUsageErrorThatSaysWhatToPass() {
        assertThat(chaos("--target", "etcd", "--heartbeat-ms", "50", "--election-timeout-min-ms", "150"))
                .isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: --target etcd: etcd refuses an election timeout under 5x its heartbeat "
                + "(--election-timeout-min-ms 150 < 5 x --heartbeat-ms 50); e.g. --heartbeat-ms 30" + System.lineSeparator());
    }

    @Test
    void aProbeIntervalAboveTwoMillisecondsOrNotANumberIsAUsageErrorThatNamesTheBounds() {
        assertThat(chaos("--probe-interval-ms", "5")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: --probe-interval-ms must be from 0.1 to 2, not 5 (see 'kvbench chaos --help')"
                + System.lineSeparator());
        assertThat(chaos("--probe-interval-ms", "0.01")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).startsWith("kvbench: --probe-interval-ms must be from 0.1 to 2, not 0.01");
        assertThat(chaos("--probe-interval-ms", "NaN")).isEqualTo(KvbenchMain.EXIT_USAGE);
        assertThat(errors).isEqualTo("kvbench: --probe-interval-ms must be from 0.1 to 2, not NaN (see 'kvbench chaos --help')"
                + System.lineSeparator());
    }
}
