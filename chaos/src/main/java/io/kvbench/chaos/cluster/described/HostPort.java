package io.kvbench.chaos.cluster.described;

import java.net.InetSocketAddress;

/**
 * A host and TCP port as written in a cluster file: {@code host:port}, or {@code [v6-address]:port}. Not resolved
 * until {@link #toSocketAddress()}, so a file can be checked on a machine that cannot resolve its hosts.
 */
public record HostPort(String host, int port) {

    /** Parses {@code host:port}; throws IllegalArgumentException with a one-line reason. */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) throw new IllegalArgumentException("'" + text + "' is not host:port");
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "' is not host:port (write an IPv6 address as [address]:port)");
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + text + "' has no usable host");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has a port that is not a number");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("'" + text + "' has port " + port + ", not in 1..65535");
        return new HostPort(host, port);
    }

    /** Resolves the host (DNS if it is a name). */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
