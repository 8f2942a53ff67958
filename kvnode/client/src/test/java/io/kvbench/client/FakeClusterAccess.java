package io.kvbench.client;

/** Lets tests in other packages (the CLI's) start a {@link FakeCluster}. */
public final class FakeClusterAccess implements AutoCloseable {
    private final FakeCluster cluster;

    public FakeClusterAccess(int nodes, int leader) {
        cluster = new FakeCluster(nodes, leader);
    }

    public String addressList() {
        return cluster.addressList();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
