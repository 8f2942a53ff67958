package io.kvbench.client.cli;

import io.kvbench.client.FakeClusterAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The client CLI's exit codes and output, against a fake cluster on loopback. */
class ClientCommandsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private FakeClusterAccess cluster;

    @AfterEach
    void closeCluster() {
        if (cluster != null) cluster.close();
    }

    private int run(String... args) {
        CommandLine commandLine = ClientCommands.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void malformedNodesAreAUsageErrorOnOneLine() {
        int exitCode = run("put", "--nodes", "127.0.0.1:7001,nonsense", "k", "v");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("nonsense").contains("host:port");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    /**
     * Issue 20, finding 7: {@code client put "" v} wrote under the empty key. Refused for every command that takes a
     * KEY, before anything is sent: a usage error, one line. The cluster here would have taken it.
     */
    @Test
    void anEmptyKeyIsAUsageErrorBeforeAnythingIsSent() {
        cluster = new FakeClusterAccess(1, 0);
        String nodes = cluster.addressList();
        for (String[] command : new String[][] {{"put", "--nodes", nodes, "", "v"}, {"get", "--nodes", nodes, ""},
                {"delete", "--nodes", nodes, ""}, {"cas", "--nodes", nodes, "", "old", "new"}, {"cas", "--nodes", nodes, "--absent", "", "new"}}) {
            err.getBuffer().setLength(0);
            assertThat(run(command)).as(String.join(" ", command)).isEqualTo(2);
            assertThat(err.toString().strip()).as(String.join(" ", command)).contains("KEY must not be empty").hasLineCount(1);
        }
        assertThat(cluster.requestsSeen()).as("nothing reached the cluster").isZero();
    }

    @Test
    void missingNodesAreAUsageError() {
        assertThat(run("get", "k")).isEqualTo(2);
        assertThat(err.toString()).contains("--nodes");
    }

    @Test
    void helpDocumentsEveryOptionAndExitsZero() {
        assertThat(run("cas", "--help")).isEqualTo(0);
        assertThat(out.toString()).contains("--nodes", "--timeout-ms", "--absent", "KEY");
        assertThat(run("--help")).isEqualTo(0);
        assertThat(out.toString()).contains("put", "get", "delete", "cas", "status");
    }

    @Test
    void putThenGetThroughTheCli() {
        cluster = new FakeClusterAccess(2, 1);
        String nodes = cluster.addressList();

        assertThat(run("put", "--nodes", nodes, "greeting", "hello")).isEqualTo(0);
        assertThat(out.toString()).isEqualToIgnoringNewLines("OK");
        out.getBuffer().setLength(0);

        assertThat(run("get", "--nodes", nodes, "greeting")).isEqualTo(0);
        assertThat(out.toString()).isEqualToIgnoringNewLines("hello");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aPutRefusedForTheQuotaPrintsOneLineAndExitsOne() {
        cluster = new FakeClusterAccess(1, 0);
        cluster.quotaBytes(500);

        // The session the command registers holds 200 bytes; the put would add its key and value and a stored reply.
        assertThat(run("put", "--nodes", cluster.addressList(), "big", "v".repeat(400))).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().strip()).isEqualTo("client put: put big: quota exceeded: the store holds 200 of its 500 "
                + "bytes and this write needs 571 more; not applied (delete keys to free space)");
    }

    @Test
    void casMismatchAndAbsentKeyExitOne() {
        cluster = new FakeClusterAccess(1, 0);
        String nodes = cluster.addressList();

        assertThat(run("cas", "--nodes", nodes, "--absent", "k", "first")).isEqualTo(0);
        assertThat(run("cas", "--nodes", nodes, "k", "wrong", "second")).isEqualTo(1);
        assertThat(err.toString()).contains("holds 'first'");
        assertThat(run("delete", "--nodes", nodes, "k")).isEqualTo(0);
        assertThat(run("get", "--nodes", nodes, "k")).isEqualTo(1);
        assertThat(err.toString()).contains("absent");
        assertThat(run("cas", "--nodes", nodes, "k", "only-two")).isEqualTo(2);
    }

    @Test
    void statusPrintsEveryNodesJsonAndAnUnreachableNodeExitsOne() {
        cluster = new FakeClusterAccess(2, 0);

        assertThat(run("status", "--nodes", cluster.addressList())).isEqualTo(0);
        assertThat(out.toString().strip().lines()).hasSize(2).allMatch(line -> line.startsWith("{"));

        assertThat(run("status", "--nodes", cluster.addressList(), "--node", "127.0.0.1:1", "--timeout-ms", "2000")).isEqualTo(1);
        assertThat(err.toString()).contains("127.0.0.1:1");
    }
}
