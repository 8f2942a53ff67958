package io.kvbench.net;

import java.net.InetSocketAddress;

/** Parses node addresses written "host:port" (IPv6 as "[::1]:port"), as on the command line and in NotLeader. */
public final class NodeAddresses {
    private NodeAddresses() {}

    /**
     * @throws IllegalArgumentException saying what is wrong, when {@code text} is not "host:port" with a port
     *                                  in 1..65535
     */
    public static InetSocketAddress parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty node address (expected host:port)");
        String trimmed = text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("node address '" + trimmed + "' is not host:port");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty() || host.contains(":") && !trimmed.startsWith("[")) {
            throw new IllegalArgumentException("node address '" + trimmed + "' is not host:port (write IPv6 as [addr]:port)");
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("node address '" + trimmed + "' has a port that is not a number");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("node address '" + trimmed + "' has port " + port + ", not in 1..65535");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new IllegalArgumentException("node address '" + trimmed + "': unknown host " + host);
        return address;
    }

    /** "host:port" for messages, without a resolved name's "/ip" noise. */
    public static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
