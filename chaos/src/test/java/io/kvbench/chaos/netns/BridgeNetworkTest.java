package io.kvbench.chaos.netns;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Networks without processes in them: naming, subnets, the partition filters, and what close() leaves (nothing). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeNetworkTest {
    @BeforeAll
    static void requireNamespaces() {
        NamespaceAssumptions.requireNamespaces();
    }

    @Test
    void twoNetworksAtOnceDoNotCollideAndCloseLeavesNothing() throws Exception {
        BridgeNetwork first = BridgeNetwork.create(List.of(1, 2, 3));
        BridgeNetwork second;
        try {
            second = BridgeNetwork.create(List.of(1, 2, 3));
            try {
                assertThat(second.subnet()).isNotEqualTo(first.subnet());
                assertThat(second.subnet().overlaps(first.subnet())).isFalse();
                assertThat(second.bridgeName()).isNotEqualTo(first.bridgeName());
                assertThat(second.namespace(1)).isNotEqualTo(first.namespace(1));
                assertThat(first.namespace(2)).contains(Long.toString(ProcessHandle.current().pid()));
                assertThat(first.address(2)).isEqualTo(first.subnet().host(12));
                assertThat(first.hostVeth(3).length()).isLessThanOrEqualTo(15);
                String inside = IpCommand.run("ip", "-n", first.namespace(2), "-4", "-o", "addr", "show");
                assertThat(inside).contains("lo").contains("eth0").contains(first.address(2) + "/24");
                assertThat(IpCommand.run("ip", "-4", "-o", "addr", "show", "dev", first.bridgeName())).contains(first.hostAddress() + "/24");
                assertThat(IpCommand.run("ip", "-o", "link", "show", "master", first.bridgeName()))
                        .contains(first.hostVeth(1)).contains(first.hostVeth(2)).contains(first.hostVeth(3));
            } finally {
                second.close();
            }
        } finally {
            first.close();
        }
        assertLeftNothing(first);
        assertLeftNothing(second);
    }

    @Test
    void isolateAddsDropFiltersBothWaysAndRejoinRemovesThem() throws Exception {
        try (BridgeNetwork network = BridgeNetwork.create(List.of(1, 2, 3))) {
            network.isolate(2);
            network.isolate(2); // idempotent: no second set of filters
            assertThat(network.isIsolated(2)).isTrue();
            // into n2: packets from n1 and n3; into n1 and n3: packets from n2
            assertThat(filters(network, 2)).hasSize(2);
            assertThat(filters(network, 1)).hasSize(1);
            assertThat(filters(network, 3)).hasSize(1);

            network.rejoin(2);
            assertThat(network.isIsolated(2)).isFalse();
            for (int id = 1; id <= 3; id++) assertThat(filters(network, id)).isEmpty();
            network.rejoin(2); // idempotent
        }
    }

    /** The u32 match lines ({@code match XXXXXXXX/ffffffff at 12}: a source address) on the node's host veth. */
    private static List<String> filters(BridgeNetwork network, int nodeId) throws Exception {
        return IpCommand.run("tc", "filter", "show", "dev", network.hostVeth(nodeId), "parent", "1:").lines()
                .filter(line -> line.contains("match") && line.contains("at 12")).toList();
    }

    private static void assertLeftNothing(BridgeNetwork network) throws Exception {
        String namespaces = IpCommand.run("ip", "netns", "list");
        String links = IpCommand.run("ip", "-o", "link", "show");
        for (int id = 1; id <= 3; id++) {
            assertThat(namespaces).doesNotContain(network.namespace(id));
            assertThat(links).doesNotContain(network.hostVeth(id) + "@").doesNotContain(network.hostVeth(id) + ":");
        }
        assertThat(links).doesNotContain(network.bridgeName() + ":");
    }
}
