package io.kvbench.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {
    @Test
    void portsAreDistinctBindableAndOutsideTheEphemeralRange() throws Exception {
        List<Integer> ports = FreePorts.allocate(24);

        assertThat(new HashSet<>(ports)).hasSize(24);
        // Where the range leaves room below it (Linux default 32768-60999), no outgoing connection can take them.
        if (FreePorts.ephemeralLow() > 11_000) assertThat(ports).allMatch(port -> port >= 10_000 && port < FreePorts.ephemeralLow());
        // ... and on Linux the range is read as the kernel has it (a misread once sent every port into the range).
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            assertThat(FreePorts.ephemeralLow()).isEqualTo(Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]));
        }
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
