package io.kvbench.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports that are free on 127.0.0.1 right now, for nodes that bind them a moment later: the one allocator of every
 * local cluster (kvnode nodes, etcd members, proxies). They are drawn at random from below the kernel's ephemeral
 * range ({@code net.ipv4.ip_local_port_range}): a port the kernel hands out itself (bind to port 0) comes from that
 * range, and so does the local port of every outgoing connection, so any client connecting in between (another
 * test's, a load generator's) could take it before the node binds it ("Address already in use"). Below the range
 * only a process that names the port can take it. All are held open together so they differ. Falls back to
 * kernel-chosen ports where the range leaves no room below it.
 */
public final class FreePorts {
    private static final int LOWEST_PORT = 10_000;
    private static final int DEFAULT_EPHEMERAL_LOW = 32_768;

    private FreePorts() {
    }

    public static List<Integer> allocate(int count) throws IOException {
        int below = ephemeralLow() - 1;
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            int tries = 0;
            while (ports.size() < count) {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                int port = below - LOWEST_PORT >= 1_000 && tries++ < 100 * count
                        ? ThreadLocalRandom.current().nextInt(LOWEST_PORT, below + 1) : 0;
                try {
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                } catch (IOException taken) {
                    socket.close();
                    if (port == 0) throw taken;
                    continue;
                }
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** The first port of the kernel's ephemeral range (Linux); the usual default elsewhere. */
    static int ephemeralLow() {
        try {
            // Line by line: Files.readString and readAllBytes trust the size /proc reports (0) and, on JDK 17, return
            // only the first byte ("3"), which made every allocation fall back to kernel-chosen ephemeral ports.
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unreadable) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }
}
