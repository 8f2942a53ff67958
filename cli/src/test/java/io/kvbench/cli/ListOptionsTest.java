package io.kvbench.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** List options are split by picocli (split = ","), and a bad element is a one-line usage error, exit 2. */
class ListOptionsTest {

    @Test
    void loadSplitsNodesEndpointsAndMix() {
        LoadCommand load = new LoadCommand();
        new CommandLine(load).parseArgs("--nodes", "127.0.0.1:8001,127.0.0.1:8002", "--etcd-endpoints",
                "http://127.0.0.1:2379,http://127.0.0.1:2381", "--mix", "10,80,10");

        assertThat(load.nodes).containsExactly(new InetSocketAddress("127.0.0.1", 8001), new InetSocketAddress("127.0.0.1", 8002));
        assertThat(load.etcdEndpoints).containsExactly(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.1:2381"));
        assertThat(load.mix).containsExactly(10, 80, 10);
    }

    @Test
    void nodeSplitsItsPeerAndClientMapsById() {
        CommandLine root = KvbenchMain.commandLine();
        CommandLine node = root.getSubcommands().get("node");
        root.parseArgs("node", "--id", "2", "--peers", "1=127.0.0.1:7001,2=127.0.0.1:7002", "--clients", "1=127.0.0.1:8001,2=127.0.0.1:8002",
                "--data-dir", "d2");

        Map<Integer, InetSocketAddress> peers = node.getCommandSpec().findOption("--peers").getValue();
        assertThat(peers).containsExactlyInAnyOrderEntriesOf(Map.of(1, new InetSocketAddress("127.0.0.1", 7001),
                2, new InetSocketAddress("127.0.0.1", 7002)));
        Map<Integer, InetSocketAddress> clients = node.getCommandSpec().findOption("--clients").getValue();
        assertThat(clients).containsKeys(1, 2);
    }

    @Test
    void aBadElementIsAUsageErrorNamingIt() {
        assertUsageError(List.of("node", "--id", "1", "--peers", "1=127.0.0.1:7001,127.0.0.1:7002", "--clients", "1=127.0.0.1:8001",
                "--data-dir", "d1"), "--peers", "KEY=VALUE", "127.0.0.1:7002");
        assertUsageError(List.of("node", "--id", "1", "--peers", "1=127.0.0.1", "--clients", "1=127.0.0.1:8001",
                "--data-dir", "d1"), "--peers", "not host:port");
        assertUsageError(List.of("load", "--nodes", "127.0.0.1:8001,127.0.0.1"), "127.0.0.1", "host:port");
        assertUsageError(List.of("load", "--mix", "10,x,10"), "--mix", "x");
        assertUsageError(List.of("load", "--mix", "10,90", "--duration-s", "1"), "--mix takes read,write,cas");
    }

    private static void assertUsageError(List<String> arguments, String... expected) {
        CommandLine commandLine = KvbenchMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(arguments.toArray(String[]::new));
        assertThat(exit).as(err.toString()).isEqualTo(KvbenchMain.EXIT_USAGE);
        String firstLine = err.toString().lines().findFirst().orElse("");
        assertThat(firstLine).startsWith("kvbench: ").contains(expected).doesNotContain("Exception");
    }
}
