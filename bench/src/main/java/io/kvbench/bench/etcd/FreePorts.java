package io.kvbench.bench.etcd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Ports the kernel says are free on 127.0.0.1 right now. All are held open together so they differ; another
 * process could still take one before etcd binds it, in which case that member fails to start and the
 * health wait reports it with its log file.
 */
public final class FreePorts {

    private FreePorts() {
    }

    public static List<Integer> allocate(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
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
}
