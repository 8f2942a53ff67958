package io.kvbench.chaos.netns;

import io.kvbench.chaos.cluster.PeerLink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cuts peer links, one direction at a time, with tc on the root-namespace ends of the veth pairs, i.e. inside the
 * bridge.
 *
 * <p>Every host-side veth gets an HTB root qdisc whose unclassified traffic goes out unshaped (HTB's direct queue;
 * no default class) and one class, 1:1, whose leaf is a {@code pfifo limit 0}: whatever a filter sends there is
 * dropped. Cutting the link from node a to node b puts one u32 filter on the egress of b's veth (where the bridge
 * hands frames to b) that sends packets with a's source address to 1:1. The drops happen after the sender's own
 * veth accepted the packet, so neither side sees an error: connects time out, data is retransmitted until the
 * heal, exactly as across a cut cable, or, one way only, as across a cable whose one fibre is cut. (An
 * {@code ip route blackhole} or {@code prohibit} route in the node's namespace is not silent: connect() fails at
 * once with EINVAL or EACCES. tc's {@code action drop} needs act_gact, which minimal kernels lack; HTB, pfifo and
 * u32 are everywhere.)
 *
 * <p>The state is the set of cut directions, nothing else: isolating a node cuts every link to and from it,
 * rejoining heals every such link, whichever call cut it. Each filter's priority is {@code BASE + a} on b's veth,
 * unique per (veth, source), so a heal deletes exactly the filters of the links it heals.
 *
 * <p>Only node-to-node packets match: the harness talks to every node from the bridge's own address, so its
 * clients and status polls still reach a cut-off node, as with the proxy mesh. ARP is left alone, so a heal takes
 * effect with the next retransmission.
 */
final class PartitionRules {
    private static final int PRIORITY_BASE = 100;

    private final Map<Integer, String> hostVeths;
    private final Map<Integer, String> addresses;
    private final TcRunner tc;
    private final Set<PeerLink> cut = new TreeSet<>();

    /**
     * @param hostVeths each node's root-namespace veth end, by node id, each already {@link #prepare prepared}
     * @param addresses each node's address, by node id
     * @param tc        runs the filter batches ({@link StandbyTc}); closed by {@link #close}
     */
    PartitionRules(Map<Integer, String> hostVeths, Map<Integer, String> addresses, TcRunner tc) {
        if (!hostVeths.keySet().equals(addresses.keySet())) {
            throw new IllegalArgumentException("veths for nodes " + new TreeSet<>(hostVeths.keySet()) + " but addresses for "
                    + new TreeSet<>(addresses.keySet()));
        }
        this.hostVeths = Map.copyOf(hostVeths);
        this.addresses = Map.copyOf(addresses);
        this.tc = tc;
    }

    /** The qdisc and the dropping class on each host-side veth, in one tc run. */
    static void prepare(Collection<String> veths) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String veth : veths) {
            lines.add("qdisc add dev " + veth + " root handle 1: htb");
            // the rate never applies (the leaf drops everything); an explicit quantum keeps HTB from warning about it
            lines.add("class add dev " + veth + " parent 1: classid 1:1 htb rate 1kbit quantum 1514");
            lines.add("qdisc add dev " + veth + " parent 1:1 handle 10: pfifo limit 0");
        }
        IpCommand.batch(List.of("tc"), lines);
    }

    /** The tc command (batch line) that drops, at {@code veth}'s egress, IPv4 packets from {@code sourceAddress}. */
    static String dropFilter(String veth, int priority, String sourceAddress) {
        return "filter add dev " + veth + " parent 1: protocol ip prio " + priority + " u32 match ip src " + sourceAddress
                + "/32 flowid 1:1";
    }

    /** The batch line that cuts the link: on the receiver's veth, drop what comes from the sender's address. */
    String addLine(PeerLink link) {
        return dropFilter(hostVeths.get(link.to()), PRIORITY_BASE + link.from(), addresses.get(link.from()));
    }

    /** The batch line that heals the link: the receiver's veth loses the filter of the sender's priority. */
    String deleteLine(PeerLink link) {
        return "filter del dev " + hostVeths.get(link.to()) + " parent 1: prio " + (PRIORITY_BASE + link.from());
    }

    synchronized boolean isCut(PeerLink link) {
        requireNodes(List.of(link));
        return cut.contains(link);
    }

    /** True while every link to and from the node is cut. */
    synchronized boolean isIsolated(int nodeId) {
        return cut.containsAll(PeerLink.allOf(requireNode(nodeId), hostVeths.keySet()));
    }

    /** The directions cut now, in order. */
    synchronized Set<PeerLink> cutLinks() {
        return Set.copyOf(cut);
    }

    /** Drops every packet between the node and the other nodes, both ways: {@link #cut} of all its links. */
    void isolate(int nodeId) throws IOException {
        cut(PeerLink.allOf(requireNode(nodeId), hostVeths.keySet()));
    }

    /** Heals every link to and from the node, whichever call cut it. */
    void rejoin(int nodeId) throws IOException {
        heal(PeerLink.allOf(requireNode(nodeId), hostVeths.keySet()));
    }

    /**
     * Drops every packet of the given directions. All filters go in with one tc run, so the cut takes effect at
     * once rather than link by link. Directions already cut are left as they are; on failure none is added.
     */
    synchronized void cut(Collection<PeerLink> links) throws IOException {
        requireNodes(links);
        List<PeerLink> adding = new ArrayList<>(new TreeSet<>(links));
        adding.removeAll(cut);
        if (adding.isEmpty()) return;
        List<String> lines = adding.stream().map(this::addLine).toList();
        IpCommand.Result result = tc.runNow(lines);
        if (!result.succeeded()) {
            IOException failure = new IOException("cannot cut " + adding + ": " + result.describe());
            try {
                // tc stops at the first failing line; the filters before it are in place and must go
                tc.runAll(adding.stream().map(this::deleteLine).toList());
            } catch (IOException rollback) {
                failure.addSuppressed(rollback);
            }
            throw failure;
        }
        cut.addAll(adding);
    }

    /** Removes the filters of the given directions that are cut, in one tc run. Idempotent. */
    synchronized void heal(Collection<PeerLink> links) throws IOException {
        requireNodes(links);
        List<PeerLink> healing = new TreeSet<>(links).stream().filter(cut::contains).toList();
        if (healing.isEmpty()) return;
        // forgotten first: with -force every line runs, so a failure leaves at most a filter nobody asked for
        cut.removeAll(healing);
        IpCommand.Result result = tc.runAll(healing.stream().map(this::deleteLine).toList());
        if (!result.succeeded()) throw new IOException("cannot heal " + healing + ": " + result.describe());
    }

    /** Heals every cut direction. */
    synchronized void healAll() throws IOException {
        heal(new ArrayList<>(cut));
    }

    /** Lets the standby tc process exit. The filters go with the veths. */
    void close() {
        tc.close();
    }

    private int requireNode(int nodeId) {
        if (!hostVeths.containsKey(nodeId)) throw new IllegalArgumentException("no node " + nodeId + " in " + new TreeSet<>(hostVeths.keySet()));
        return nodeId;
    }

    private void requireNodes(Collection<PeerLink> links) {
        for (PeerLink link : links) {
            requireNode(link.from());
            requireNode(link.to());
        }
    }
}
