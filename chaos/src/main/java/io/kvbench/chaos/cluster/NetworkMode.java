package io.kvbench.chaos.cluster;

/** How a local cluster's nodes reach each other, and so whether and how their links can be cut. */
public enum NetworkMode {
    /** Every node on 127.0.0.1 with its own ports; peer links cannot be cut. */
    LOOPBACK("loopback"),
    /** On 127.0.0.1, every directed peer link through its own fault-injecting TCP proxy ({@link io.kvbench.chaos.proxy.ProxyMesh}). */
    PROXY("proxy"),
    /**
     * Every node in its own network namespace on a bridge, like hosts on a switch; partitions drop packets in the
     * bridge ({@link io.kvbench.chaos.netns.BridgeNetwork}). Needs root and iproute2.
     */
    NETNS("netns"),
    /** NETNS where network namespaces work, else PROXY; the cluster says which it picked. */
    AUTO("auto");

    private final String label;

    NetworkMode(String label) {
        this.label = label;
    }

    /** The name used on command lines and in run.json. */
    public String label() {
        return label;
    }

    /** Whether a cluster on this network can {@link Cluster#isolate isolate} a node (AUTO always resolves to one that can). */
    public boolean supportsPartitions() {
        return this != LOOPBACK;
    }

    public static NetworkMode parse(String text) {
        for (NetworkMode mode : values()) {
            if (mode.label.equalsIgnoreCase(text)) return mode;
        }
        throw new IllegalArgumentException("unknown network " + text + "; one of loopback, proxy, netns, auto");
    }
}
