package io.kvbench.bench.kvnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeJitTest {

    @Test
    void largestGrowthIsTheBusiestNodesAndSkipsNodesWithoutATotal() {
        assertThat(NodeJit.largestGrowthMillis(new long[] {100, 200, -1}, new long[] {130, 290, 9999})).isEqualTo(90);
        assertThat(NodeJit.largestGrowthMillis(new long[] {100, 200}, new long[] {100, 200})).isZero();
        assertThatThrownBy(() -> NodeJit.largestGrowthMillis(new long[] {1}, new long[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void totalsAreReadFromStatusesInTheirOrder() throws Exception {
        var statuses = new ObjectMapper().readTree("[{\"jitCompileMillis\":100},{},{\"jitCompileMillis\":7}]");
        assertThat(NodeJit.fromStatuses(statuses)).containsExactly(100, -1, 7);
    }

    @Test
    void aNodeThatDoesNotAnswerIsAnErrorNamingIt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        // Nothing listens on the port any more: no total, and the caller is told which node failed.
        InetSocketAddress silent = new InetSocketAddress("127.0.0.1", port);
        assertThatThrownBy(() -> NodeJit.compileMillis(List.of(silent)))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining(String.valueOf(port));
    }
}
