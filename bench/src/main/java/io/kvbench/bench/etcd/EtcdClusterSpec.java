package io.kvbench.bench.etcd;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to start a local etcd cluster.
 *
 * @param memberCount             members, 3 for the usual majority-of-three
 * @param heartbeatIntervalMillis etcd {@code --heartbeat-interval} (etcd's default 100)
 * @param electionTimeoutMillis   etcd {@code --election-timeout} (etcd's default 1000)
 * @param startTimeout            how long to wait for every member to report healthy
 * @param etcdBinary              the etcd executable
 */
public record EtcdClusterSpec(
        int memberCount,
        int heartbeatIntervalMillis,
        int electionTimeoutMillis,
        Duration startTimeout,
        Path etcdBinary) {

    public static final Path DEBIAN_ETCD = Path.of("/usr/bin/etcd");

    public EtcdClusterSpec {
        if (memberCount < 1) {
            throw new IllegalArgumentException("memberCount must be >= 1");
        }
        // etcd itself refuses an election timeout under 5x the heartbeat; say so before starting anything.
        if (heartbeatIntervalMillis < 1 || electionTimeoutMillis < 5 * heartbeatIntervalMillis) {
            throw new IllegalArgumentException("need heartbeat >= 1 ms and election timeout >= 5x heartbeat");
        }
    }

    /** Three members, etcd's default timing, 30 s to start, Debian's etcd. */
    public static EtcdClusterSpec threeMembers() {
        return new EtcdClusterSpec(3, 100, 1000, Duration.ofSeconds(30), DEBIAN_ETCD);
    }

    public EtcdClusterSpec withTiming(int heartbeatMillis, int electionMillis) {
        return new EtcdClusterSpec(memberCount, heartbeatMillis, electionMillis, startTimeout, etcdBinary);
    }
}
