package io.kvbench.chaos.netns;

import io.kvbench.chaos.cluster.PeerLink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One cluster's network, laid out like hosts on a switch: a bridge in the root namespace holding the subnet's
 * first address (the harness reaches the nodes from there), and per node a network namespace with {@code lo}
 * and one veth into the bridge, addressed {@code .(10 + id)}.
 *
 * <p>The subnet is a /24 of 198.18.0.0/15, the range RFC 2544 sets aside for benchmarking, so it is unlikely to
 * clash with a real network; one whose prefix overlaps a route on this machine is skipped. Creating the bridge,
 * named after the /24's index ({@code kvb<index>br}), claims the index: the kernel refuses a second link of that
 * name, so two clusters (two JVMs, or two in one JVM) never share a subnet. Namespaces are named
 * {@code kvb<pid>c<index>n<id>}, host-side veths {@code kvb<index>n<id>} (links are limited to 15 characters).
 * The bridge's alias names the owning pid so a later run can remove what a killed one left ({@link StaleNetworks}).
 *
 * <p>{@link #close()} deletes the veths, the namespaces and the bridge; it runs on a failed {@link #create} too.
 * Stop the processes inside the namespaces first: a namespace whose processes still run outlives its name.
 */
public final class BridgeNetwork implements AutoCloseable {
    /** The 198.18.0.0/15 benchmarking range; we use its first half, 198.18.X.0/24, X = 0..255. */
    private static final int SUBNET_COUNT = 256;
    private static final int FIRST_NODE_HOST = 10;
    private static final int MAX_NODE_ID = 254 - FIRST_NODE_HOST;
    private static final AtomicInteger CREATED = new AtomicInteger();

    private final int index;
    private final Ipv4Prefix subnet;
    private final String bridge;
    private final Map<Integer, String> namespaces = new LinkedHashMap<>();
    private final Map<Integer, String> hostVeths = new LinkedHashMap<>();
    private final Map<Integer, String> addresses = new LinkedHashMap<>();
    private PartitionRules rules;
    private boolean closed;

    private BridgeNetwork(int index) {
        this.index = index;
        this.subnet = Ipv4Prefix.parse("198.18." + index + ".0/24");
        this.bridge = NetworkNamespaces.NAME_PREFIX + index + "br";
    }

    /** Builds the bridge and one namespace per node id (ids 1..244); on failure removes what it built. */
    public static BridgeNetwork create(Collection<Integer> nodeIds) throws IOException {
        for (int id : nodeIds) {
            if (id < 1 || id > MAX_NODE_ID) throw new IllegalArgumentException("node ids must be 1.." + MAX_NODE_ID + ", not " + id);
        }
        StaleNetworks.sweepOnce();
        BridgeNetwork network = claimSubnet();
        try {
            network.build(new TreeSet<>(nodeIds));
            return network;
        } catch (IOException | RuntimeException e) {
            network.close();
            throw new IOException("cannot build the network namespaces for nodes " + nodeIds + " on " + network.subnet
                    + ": " + e.getMessage(), e);
        }
    }

    /** Creates the bridge of the first free /24, starting from one derived from the pid. */
    private static BridgeNetwork claimSubnet() throws IOException {
        List<Ipv4Prefix> routed = Ipv4Prefix.routeDestinations(IpCommand.run("ip", "-4", "route", "show", "table", "all"));
        long pid = ProcessHandle.current().pid();
        int start = (int) Math.floorMod(pid + CREATED.getAndIncrement(), (long) SUBNET_COUNT);
        for (int step = 0; step < SUBNET_COUNT; step++) {
            BridgeNetwork candidate = new BridgeNetwork((start + step) % SUBNET_COUNT);
            if (routed.stream().anyMatch(candidate.subnet::overlaps)) continue;
            IpCommand.Result add = IpCommand.attempt("ip", "link", "add", "name", candidate.bridge, "type", "bridge");
            if (add.succeeded()) return candidate;
            // taken by another cluster; anything else is a real failure
            if (!add.stderr().contains("File exists")) throw new IOException(add.describe());
        }
        throw new IOException("no free 198.18.X.0/24 for a cluster bridge (every kvb<N>br exists or overlaps a route)");
    }

    /**
     * One {@code ip} run for the root namespace's part, one per namespace for its inside, one {@code tc} run for
     * the partition classes: each start of ip or tc costs tens of milliseconds on a loaded machine. Names are
     * recorded before they are created, so {@link #close()} after a failure removes whatever exists.
     */
    private void build(Collection<Integer> nodeIds) throws IOException {
        long pid = ProcessHandle.current().pid();
        List<String> root = new ArrayList<>(List.of(
                "link set dev " + bridge + " alias " + StaleNetworks.ownerAlias(pid),
                "addr add " + hostAddress() + "/24 dev " + bridge,
                "link set dev " + bridge + " up"));
        for (int id : nodeIds) {
            String namespace = NetworkNamespaces.NAME_PREFIX + pid + "c" + index + "n" + id;
            String veth = NetworkNamespaces.NAME_PREFIX + index + "n" + id;
            namespaces.put(id, namespace);
            hostVeths.put(id, veth);
            addresses.put(id, subnet.host(FIRST_NODE_HOST + id));
            root.add("netns add " + namespace);
            root.add("link add " + veth + " type veth peer name eth0 netns " + namespace);
            root.add("link set dev " + veth + " master " + bridge);
            root.add("link set dev " + veth + " up");
        }
        IpCommand.batch(List.of("ip"), root);
        for (int id : nodeIds) {
            IpCommand.batch(List.of("ip", "-n", namespaces.get(id)), List.of(
                    "link set dev lo up",
                    "addr add " + addresses.get(id) + "/24 dev eth0",
                    "link set dev eth0 up"));
        }
        PartitionRules.prepare(hostVeths.values());
        rules = new PartitionRules(hostVeths, addresses, new StandbyTc());
    }

    /** The cluster's /24. */
    public Ipv4Prefix subnet() {
        return subnet;
    }

    /** The bridge's address in the root namespace: where the harness's connections to the nodes come from. */
    public String hostAddress() {
        return subnet.host(1);
    }

    public String bridgeName() {
        return bridge;
    }

    /** The node's address inside its namespace. */
    public String address(int nodeId) {
        return require(addresses, nodeId);
    }

    public String namespace(int nodeId) {
        return require(namespaces, nodeId);
    }

    /** The node's veth end in the root namespace (a bridge port). */
    public String hostVeth(int nodeId) {
        return require(hostVeths, nodeId);
    }

    /**
     * What to put before a command to run it in the node's namespace. {@code ip netns exec} execs the command, so
     * the process started this way has the command's own pid (signals reach it, not a wrapper).
     */
    public List<String> execPrefix(int nodeId) {
        return List.of("ip", "netns", "exec", namespace(nodeId));
    }

    /** Silently drops every packet between the node and the other nodes, both ways; see {@link PartitionRules}. */
    public void isolate(int nodeId) throws IOException {
        requireOpen().isolate(nodeId);
    }

    /** Heals every link to and from the node, whether {@link #isolate} or {@link #cut} cut it. */
    public void rejoin(int nodeId) throws IOException {
        requireOpen().rejoin(nodeId);
    }

    /** True while every link to and from the node is cut. */
    public boolean isIsolated(int nodeId) {
        return rules != null && rules.isIsolated(nodeId);
    }

    /**
     * Silently drops the packets of the given directions (each: what one node sends another), all in one tc run so
     * they take effect together; the opposite directions still flow unless listed too.
     */
    public void cut(Collection<PeerLink> links) throws IOException {
        requireOpen().cut(links);
    }

    /** Heals the given directions (those not cut are ignored). */
    public void heal(Collection<PeerLink> links) throws IOException {
        requireOpen().heal(links);
    }

    /** Heals every cut direction. */
    public void healAll() throws IOException {
        requireOpen().healAll();
    }

    public boolean isCut(PeerLink link) {
        return rules != null && rules.isCut(link);
    }

    /** The directions cut now. */
    public Set<PeerLink> cutLinks() {
        return rules == null ? Set.of() : rules.cutLinks();
    }

    private synchronized PartitionRules requireOpen() {
        if (closed || rules == null) throw new IllegalStateException("the network on " + subnet + " is closed");
        return rules;
    }

    private static String require(Map<Integer, String> byId, int nodeId) {
        String value = byId.get(nodeId);
        if (value == null) throw new IllegalArgumentException("no node " + nodeId + " in " + byId.keySet());
        return value;
    }

    /**
     * Deletes the veths (their namespace ends go with them), the namespaces and the bridge, in one {@code ip}
     * run that goes on past names that do not exist (a failed build). Never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (rules != null) rules.close();
        List<String> lines = new ArrayList<>();
        hostVeths.values().forEach(veth -> lines.add("link del " + veth));
        namespaces.values().forEach(namespace -> lines.add("netns del " + namespace));
        lines.add("link del " + bridge);
        try {
            IpCommand.Result result = IpCommand.attemptBatch(List.of("ip"), lines);
            String unexpected = result.stderr().lines()
                    .filter(line -> !line.startsWith("Command failed") && !line.contains("Cannot find device")
                            && !line.contains("No such file"))
                    .collect(Collectors.joining("; "));
            if (!unexpected.isEmpty()) {
                System.err.println("kvbench: could not remove all of the network on " + subnet + ": " + unexpected);
            }
        } catch (IOException e) {
            System.err.println("kvbench: could not remove the network on " + subnet + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "bridge " + bridge + " " + subnet + ", namespaces " + namespaces.values();
    }
}
