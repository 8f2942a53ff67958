package io.kvbench.client;

/** Lets tests in other packages (the CLI's) start a {@link FakeCluster}. */
public final class FakeClusterAccess implements AutoCloseable {
    private final FakeCluster cluster;

    public FakeClusterAccess(int nodes, int leader) {
        cluster = new FakeCluster(nodes, leader);
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
