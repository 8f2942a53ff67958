package io.kvbench.driver;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the driver needs beyond the core's own configuration.
 *
 * @param nodeId               this node's id, for messages to clients
 * @param clientAddresses      every voter's client address, so a follower can redirect a client to the leader
 * @param connectionClosedHint act on "the connection from peer X closed" (the fast-failover hint)
 * @param maxPendingRequests   client requests proposed or reading and not yet answered; more are refused OVERLOADED
 * @param maxParkedRequests    client requests held while no leader is known; beyond it they are answered NotLeader
 * @param parkTimeoutNanos     how long a request is held while no leader is known, then answered NotLeader
 * @param snapshotEveryEntries take a snapshot (and compact the log, §7) every this many applied entries
 */
public record DriverConfig(int nodeId, Map<Integer, InetSocketAddress> clientAddresses, boolean connectionClosedHint,
                           int maxPendingRequests, int maxParkedRequests, long parkTimeoutNanos,
                           long snapshotEveryEntries) {
    public DriverConfig {
        clientAddresses = Map.copyOf(new TreeMap<>(clientAddresses));
        if (maxPendingRequests <= 0) throw new IllegalArgumentException("maxPendingRequests must be positive");
        if (maxParkedRequests < 0) throw new IllegalArgumentException("maxParkedRequests must not be negative");
        if (parkTimeoutNanos < 0) throw new IllegalArgumentException("parkTimeoutNanos must not be negative");
        if (snapshotEveryEntries <= 0) throw new IllegalArgumentException("snapshotEveryEntries must be positive");
    }
}
