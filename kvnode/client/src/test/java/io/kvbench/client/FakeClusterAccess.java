package io.kvbench.client;

/** Lets tests in other packages (the CLI's) start a {@link FakeCluster}. */
public final class FakeClusterAccess implements AutoCloseable {
    private final FakeCluster cluster;
    private final int nodeCount;

    public FakeClusterAccess(int nodes, int leader) {
        cluster = new FakeCluster(nodes, leader);
        nodeCount = nodes;
    }

    /** COMMAND and READ requests the fake nodes received, all nodes together. */
    public int requestsSeen() {
        int seen = 0;
        for (int i = 0; i < nodeCount; i++) seen += cluster.node(i).requestsSeen.get();
        return seen;
    }

    /** The leader stamps {@code bytes} as the quota on every command from now on. */
    public void quotaBytes(long bytes) {
        cluster.quotaBytes = bytes;
    }

    public String addressList() {
        return cluster.addressList();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
