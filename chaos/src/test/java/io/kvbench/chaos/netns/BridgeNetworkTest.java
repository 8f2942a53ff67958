package io.kvbench.chaos.netns;

import io.kvbench.chaos.cluster.PeerLink;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Networks without node processes in them: naming, subnets, the partition filters (and, for a one-way cut, real
 * datagrams through them), and what close() leaves (nothing).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeNetworkTest {
    private static final Pattern DROPPED = Pattern.compile("\\(dropped (\\d+),");

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

    @Test
    void aCutDirectionDropsOnlyThatSendersPacketsAndTheOtherWayStillArrives() throws Exception {
        try (BridgeNetwork network = BridgeNetwork.create(List.of(1, 2, 3))) {
            network.cut(List.of(new PeerLink(1, 2)));
            network.cut(List.of(new PeerLink(1, 2))); // idempotent
            assertThat(network.isCut(new PeerLink(1, 2))).isTrue();
            assertThat(network.isCut(new PeerLink(2, 1))).isFalse();
            assertThat(network.isIsolated(1)).isFalse();
            // one filter, at n2's bridge port, for n1's source address
            assertThat(filters(network, 2)).hasSize(1);
            assertThat(filters(network, 1)).isEmpty();
            assertThat(filters(network, 3)).isEmpty();

            // n1 -> n2 vanishes at n2's port; nothing is dropped on the way to n1
            sendUdp(network, 1, 2, 20);
            long droppedTowardN2 = dropped(network, 2);
            assertThat(droppedTowardN2).isGreaterThanOrEqualTo(20);
            assertThat(dropped(network, 1)).isZero();
            // n2 -> n1 arrives: n1, with no listener on the port, answers ICMP port unreachable, which is n1 -> n2 and
            // so is dropped at n2's port too; that it was sent at all shows the datagrams got through
            sendUdp(network, 2, 1, 20);
            assertThat(dropped(network, 1)).isZero();
            assertThat(dropped(network, 2)).isGreaterThan(droppedTowardN2);
            assertThat(dropped(network, 3)).isZero();

            network.isolate(3);
            assertThat(network.cutLinks()).hasSize(5);
            network.healAll();
            assertThat(network.cutLinks()).isEmpty();
            for (int id = 1; id <= 3; id++) assertThat(filters(network, id)).isEmpty();
        }
    }

    /** Sends {@code count} UDP datagrams from inside node {@code from}'s namespace to node {@code to}'s discard port. */
    private static void sendUdp(BridgeNetwork network, int from, int to, int count) throws Exception {
        // bash's /dev/udp opens a connected UDP socket per redirection: one datagram each, no tool to install
        IpCommand.run("ip", "netns", "exec", network.namespace(from), "bash", "-c",
                "for i in $(seq " + count + "); do echo x > /dev/udp/" + network.address(to) + "/9; done");
    }

    /** Packets the dropping class (pfifo 10: under HTB class 1:1) on the node's bridge port has dropped so far. */
    private static long dropped(BridgeNetwork network, int nodeId) throws Exception {
        String statistics = IpCommand.run("tc", "-s", "qdisc", "show", "dev", network.hostVeth(nodeId), "parent", "1:1");
        Matcher matcher = DROPPED.matcher(statistics);
        assertThat(matcher.find()).as("tc statistics of %s: %s", network.hostVeth(nodeId), statistics).isTrue();
        return Long.parseLong(matcher.group(1));
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
