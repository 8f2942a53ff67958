package io.kvbench.chaos.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * One direction of the link between two nodes: what node {@code from} sends to node {@code to} (its Raft messages
 * and, at the packet level, its TCP acknowledgements of what {@code to} sent). Cutting it is a one-way partition;
 * cutting it and its {@link #reverse()} cuts the link.
 */
public record PeerLink(int from, int to) implements Comparable<PeerLink> {
    private static final Comparator<PeerLink> ORDER = Comparator.comparingInt(PeerLink::from).thenComparingInt(PeerLink::to);

    public PeerLink {
        if (from < 1 || to < 1) throw new IllegalArgumentException("node ids start at 1, not n" + from + "->n" + to);
        if (from == to) throw new IllegalArgumentException("n" + from + " has no peer link to itself");
    }

    public PeerLink reverse() {
        return new PeerLink(to, from);
    }

    /** Both directions between {@code a} and {@code b}. */
    public static List<PeerLink> bothWays(int a, int b) {
        return List.of(new PeerLink(a, b), new PeerLink(b, a));
    }

    /** Every link to and from {@code node}: what {@link Cluster#isolate} cuts. */
    public static List<PeerLink> allOf(int node, Collection<Integer> nodeIds) {
        List<PeerLink> links = new ArrayList<>();
        for (int other : nodeIds) {
            if (other != node) links.addAll(bothWays(node, other));
        }
        return links;
    }

    /** Every link into {@code node}: what it hears from its peers. */
    public static List<PeerLink> into(int node, Collection<Integer> nodeIds) {
        return nodeIds.stream().filter(other -> other != node).map(other -> new PeerLink(other, node)).toList();
    }

    @Override
    public int compareTo(PeerLink other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return "n" + from + "->n" + to;
    }
}
