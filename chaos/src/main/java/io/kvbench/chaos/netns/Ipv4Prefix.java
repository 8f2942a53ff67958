package io.kvbench.chaos.netns;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** An IPv4 prefix such as {@code 198.18.7.0/24}: enough arithmetic to pick a subnet nobody on the machine uses. */
public record Ipv4Prefix(int address, int length) {
    /** Route types {@code ip route} prints before the prefix. */
    private static final Set<String> ROUTE_TYPES = Set.of("unicast", "local", "broadcast", "multicast", "anycast",
            "blackhole", "unreachable", "prohibit", "throw", "nat");

    public Ipv4Prefix {
        if (length < 0 || length > 32) throw new IllegalArgumentException("prefix length must be 0..32, not " + length);
        address &= mask(length);
    }

    /** {@code a.b.c.d/n}, or {@code a.b.c.d} for a /32. */
    public static Ipv4Prefix parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        int length = slash < 0 ? 32 : Integer.parseInt(text.substring(slash + 1));
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + text);
        int address = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet < 0 || octet > 255) throw new IllegalArgumentException("not an IPv4 address: " + text);
            address = (address << 8) | octet;
        }
        return new Ipv4Prefix(address, length);
    }

    /**
     * The destination prefixes of {@code ip -4 route show table all} output, one route a line. Default routes are
     * left out: every address "overlaps" them, yet a more specific route of ours wins over them.
     */
    public static List<Ipv4Prefix> routeDestinations(String routeListing) {
        List<Ipv4Prefix> prefixes = new ArrayList<>();
        for (String line : routeListing.split("\n")) {
            String[] tokens = line.trim().split("\\s+");
            int at = tokens.length > 0 && ROUTE_TYPES.contains(tokens[0]) ? 1 : 0;
            if (at >= tokens.length || tokens[at].isEmpty() || tokens[at].equals("default")) continue;
            try {
                prefixes.add(parse(tokens[at]));
            } catch (IllegalArgumentException notAnAddress) {
                // a continuation line (nexthop ...) or a format this parser does not know: not a destination
            }
        }
        return prefixes;
    }

    /** True if some address lies in both prefixes. */
    public boolean overlaps(Ipv4Prefix other) {
        int shorter = Math.min(length, other.length);
        return (address & mask(shorter)) == (other.address & mask(shorter));
    }

    /** The address {@code offset} places into the prefix, e.g. 1 → {@code 198.18.7.1}. */
    public String host(int offset) {
        if (offset < 0 || (length < 32 && offset >= 1L << (32 - length))) {
            throw new IllegalArgumentException("offset " + offset + " is outside " + this);
        }
        return dotted(address + offset);
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    private static String dotted(int address) {
        return ((address >>> 24) & 255) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "." + (address & 255);
    }

    @Override
    public String toString() {
        return dotted(address) + "/" + length;
    }
}
