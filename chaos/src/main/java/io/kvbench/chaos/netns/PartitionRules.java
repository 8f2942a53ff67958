package io.kvbench.chaos.netns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cuts a node off from its peers with tc on the root-namespace ends of the veth pairs, i.e. inside the bridge.
 *
 * <p>Every host-side veth gets an HTB root qdisc whose unclassified traffic goes out unshaped (HTB's direct queue;
 * no default class) and one class, 1:1, whose leaf is a {@code pfifo limit 0}: whatever a filter sends there is
 * dropped. To isolate node v, u32 filters on the egress of v's veth send packets from every other node to 1:1, and
 * filters on every other node's veth send packets from v to 1:1. The drops happen where the bridge hands a frame
 * to a port, after the sender's own veth accepted it, so neither side sees an error: connects time out, data is
 * retransmitted until the heal, exactly as across a cut cable. (An {@code ip route blackhole} or
 * {@code prohibit} route in the node's namespace is not silent: connect() fails at once with EINVAL or EACCES.
 * tc's {@code action drop} needs act_gact, which minimal kernels lack; HTB, pfifo and u32 are everywhere.)
 *
 * <p>Only node-to-node packets match: the harness talks to every node from the bridge's own address, so its
 * clients and status polls still reach an isolated node, as with the proxy mesh. ARP is left alone, so the
 * heal takes effect with the next retransmission.
 */
final class PartitionRules {
    /** The filters that isolate node v get priority BASE + v, so healing v removes exactly those. */
    private static final int PRIORITY_BASE = 100;

    private final Map<Integer, String> hostVeths;
    private final Map<Integer, String> addresses;
    /** Isolated nodes and the veths that carry their filters. */
    private final Map<Integer, Set<String>> isolated = new TreeMap<>();
    /**
     * A tc process started ahead of the next {@link #isolate}: the campaign times a fault from just before it
     * injects it, so the cut must not wait for a process start (tens of ms on a loaded machine, long enough for
     * writes to be acknowledged "after" the fault). Replaced after each use; null after {@link #close}.
     */
    private IpCommand.StartedBatch standby;

    /**
     * @param hostVeths each node's root-namespace veth end, by node id, each already {@link #prepare prepared}
     * @param addresses each node's address, by node id
     */
    PartitionRules(Map<Integer, String> hostVeths, Map<Integer, String> addresses) throws IOException {
        this.hostVeths = Map.copyOf(hostVeths);
        this.addresses = Map.copyOf(addresses);
        this.standby = IpCommand.startBatch(List.of("tc"));
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

    synchronized boolean isIsolated(int nodeId) {
        return isolated.containsKey(nodeId);
    }

    /**
     * Drops every packet between the node and the other nodes, both ways. All filters go in with one tc run, so
     * the cut takes effect at once rather than link by link. Idempotent.
     */
    synchronized void isolate(int nodeId) throws IOException {
        requireNode(nodeId);
        if (isolated.containsKey(nodeId)) return;
        int priority = PRIORITY_BASE + nodeId;
        Set<String> touched = new TreeSet<>();
        List<String> lines = new ArrayList<>();
        for (int other : hostVeths.keySet()) {
            if (other == nodeId) continue;
            // into the victim: packets from the other node; into the other node: packets from the victim
            lines.add(dropFilter(hostVeths.get(nodeId), priority, addresses.get(other)));
            lines.add(dropFilter(hostVeths.get(other), priority, addresses.get(nodeId)));
            touched.add(hostVeths.get(nodeId));
            touched.add(hostVeths.get(other));
        }
        if (lines.isEmpty()) {
            isolated.put(nodeId, touched);
            return;
        }
        try {
            IpCommand.StartedBatch batch = standby != null && standby.isReady() ? standby : IpCommand.startBatch(List.of("tc"));
            if (batch != standby && standby != null) standby.close();
            standby = null;
            IpCommand.Result result = batch.submit(lines);
            if (!result.succeeded()) throw new IOException(result.describe());
            // for the next cut; after it, not before it, so that this one is not slowed by a process start
            standby = IpCommand.startBatch(List.of("tc"));
        } catch (IOException e) {
            try {
                removeFilters(touched, priority);
            } catch (IOException rollback) {
                e.addSuppressed(rollback);
            }
            throw new IOException("cannot isolate n" + nodeId + ": " + e.getMessage(), e);
        }
        isolated.put(nodeId, touched);
    }

    /** Removes the node's drop filters, in one tc run. Idempotent. */
    synchronized void rejoin(int nodeId) throws IOException {
        requireNode(nodeId);
        Set<String> touched = isolated.remove(nodeId);
        if (touched == null || touched.isEmpty()) return;
        IpCommand.Result result = removeFilters(touched, PRIORITY_BASE + nodeId);
        if (!result.succeeded()) throw new IOException("cannot heal n" + nodeId + ": " + result.describe());
    }

    /** Deletes the filters of one priority from the veths, all of them even if one fails. */
    private static IpCommand.Result removeFilters(Set<String> veths, int priority) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String veth : veths) lines.add("filter del dev " + veth + " parent 1: prio " + priority);
        return IpCommand.attemptBatch(List.of("tc"), lines);
    }

    /** Lets the standby tc process exit. The filters go with the veths. */
    synchronized void close() {
        if (standby != null) standby.close();
        standby = null;
    }

    private void requireNode(int nodeId) {
        if (!hostVeths.containsKey(nodeId)) throw new IllegalArgumentException("no node " + nodeId + " in " + new TreeSet<>(hostVeths.keySet()));
    }
}
