package io.kvbench.chaos.netns;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A network left by a killed harness is removed; one whose owner runs is not. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StaleNetworksTest {
    @BeforeAll
    static void requireNamespaces() {
        NamespaceAssumptions.requireNamespaces();
    }

    @Test
    void removesTheNetworkOfADeadOwnerOnly() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor(10, TimeUnit.SECONDS);
        long deadPid = exited.pid();
        // what a harness killed with SIGKILL leaves: a bridge whose alias names it, a namespace with a veth on it
        int index = freeIndex();
        String bridge = "kvb" + index + "br";
        String namespace = "kvb" + deadPid + "c" + index + "n1";
        String veth = "kvb" + index + "n1";
        try (BridgeNetwork live = BridgeNetwork.create(List.of(1))) {
            try {
                IpCommand.run("ip", "link", "set", "dev", bridge, "alias", StaleNetworks.ownerAlias(deadPid));
                IpCommand.run("ip", "netns", "add", namespace);
                IpCommand.run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace);
                IpCommand.run("ip", "link", "set", "dev", veth, "master", bridge);

                StaleNetworks.sweep();

                String links = IpCommand.run("ip", "-o", "link", "show");
                assertThat(links).doesNotContain(bridge + ":").doesNotContain(veth + "@");
                assertThat(IpCommand.run("ip", "netns", "list")).doesNotContain(namespace);
                assertThat(links).contains(live.bridgeName() + ":").contains(live.hostVeth(1) + "@");
                assertThat(IpCommand.run("ip", "netns", "list")).contains(live.namespace(1));
            } finally {
                IpCommand.attempt("ip", "link", "del", veth);
                IpCommand.attempt("ip", "netns", "del", namespace);
                IpCommand.attempt("ip", "link", "del", bridge);
            }
        }
    }

    /** Claims a bridge index by creating its bridge, as BridgeNetwork does. */
    private static int freeIndex() throws Exception {
        for (int index = 255; index >= 0; index--) {
            if (IpCommand.attempt("ip", "link", "add", "name", "kvb" + index + "br", "type", "bridge").succeeded()) return index;
        }
        throw new AssertionError("no free bridge index");
    }
}
