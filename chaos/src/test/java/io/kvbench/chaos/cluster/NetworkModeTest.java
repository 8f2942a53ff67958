package io.kvbench.chaos.cluster;

import io.kvbench.chaos.netns.NetnsAvailability;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkModeTest {
    @Test
    void parsesLabelsAndRejectsOthersNamingTheChoices() {
        for (NetworkMode mode : NetworkMode.values()) assertThat(NetworkMode.parse(mode.label())).isEqualTo(mode);
        assertThat(NetworkMode.parse("NETNS")).isEqualTo(NetworkMode.NETNS);
        assertThatThrownBy(() -> NetworkMode.parse("vlan")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vlan").hasMessageContaining("loopback, proxy, netns, auto");
    }

    @Test
    void autoTakesNamespacesWhereTheyWorkElseProxiesAndNetnsFailsSayingWhy() throws Exception {
        NetnsAvailability no = new NetnsAvailability(false, "`ip netns add kvbprobe1x1` failed (exit 1): Operation not permitted");
        NetnsAvailability yes = new NetnsAvailability(true, "");
        assertThat(LocalNetwork.resolve(NetworkMode.AUTO, () -> yes)).isEqualTo(NetworkMode.NETNS);
        assertThat(LocalNetwork.resolve(NetworkMode.AUTO, () -> no)).isEqualTo(NetworkMode.PROXY);
        assertThat(LocalNetwork.resolve(NetworkMode.NETNS, () -> yes)).isEqualTo(NetworkMode.NETNS);
        assertThatThrownBy(() -> LocalNetwork.resolve(NetworkMode.NETNS, () -> no)).isInstanceOf(IOException.class)
                .hasMessageContaining("Operation not permitted").hasMessageContaining("auto");
        Supplier<NetnsAvailability> notAsked = () -> {
            throw new AssertionError("loopback and proxy need no probe");
        };
        assertThat(LocalNetwork.resolve(NetworkMode.LOOPBACK, notAsked)).isEqualTo(NetworkMode.LOOPBACK);
        assertThat(LocalNetwork.resolve(NetworkMode.PROXY, notAsked)).isEqualTo(NetworkMode.PROXY);
    }

    @Test
    void clustersThatCannotCutLinksSaySoNamingTheTarget() {
        Cluster cluster = new NoLinksCluster();
        assertThatThrownBy(() -> cluster.isolate(2)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("etcd node 2");
        assertThatThrownBy(() -> cluster.rejoin(2)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("etcd node 2");
    }

    /** Only what the defaults read: the target's name. */
    private static final class NoLinksCluster implements Cluster {
        @Override public String targetName() { return "etcd"; }
        @Override public List<Integer> nodeIds() { return List.of(1, 2, 3); }
        @Override public ClusterTiming timing() { throw new UnsupportedOperationException(); }
        @Override public InetSocketAddress clientAddress(int nodeId) { throw new UnsupportedOperationException(); }
        @Override public boolean isRunning(int nodeId) { return true; }
        @Override public boolean isPaused(int nodeId) { return false; }
        @Override public Optional<LeaderInfo> findLeader() { return Optional.empty(); }
        @Override public LeaderInfo awaitLeader(Duration timeout) { throw new UnsupportedOperationException(); }
        @Override public void kill(int nodeId) { throw new UnsupportedOperationException(); }
        @Override public void pause(int nodeId) { throw new UnsupportedOperationException(); }
        @Override public void resume(int nodeId) { throw new UnsupportedOperationException(); }
        @Override public void terminate(int nodeId, Duration timeout) { throw new UnsupportedOperationException(); }
        @Override public void restart(int nodeId) { throw new UnsupportedOperationException(); }
        @Override public Path runDirectory() { return Path.of("."); }
        @Override public void close() { }
    }
}
