package io.kvbench.chaos.cluster.described;

import io.kvbench.chaos.cluster.ClusterTiming;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A cluster described by a file: what runs where and the shell commands that start, stop and signal each node
 * (docs/clusters.md has the format). Read with {@link #read(Path)}; every command is already rendered.
 *
 * @param source         the file, as named in error messages
 * @param target         the system under test: {@link #KVNODE} or {@link #ETCD}
 * @param timing         the election settings the nodes run with, for reports (the harness cannot check them)
 * @param commandTimeout how long one command may run before it is killed and counts as failed
 * @param startTimeout   how long a started node may take to answer status on its client address
 * @param nodes          by ascending id
 */
public record ClusterFile(String source, String target, ClusterTiming timing, Duration commandTimeout,
                          Duration startTimeout, List<DescribedNode> nodes) {

    public static final String KVNODE = "kvnode";
    public static final String ETCD = "etcd";

    public ClusterFile {
        nodes = List.copyOf(nodes);
    }

    /** Reads and checks a cluster file; a bad file throws {@link ClusterFileException} with a one-line reason. */
    public static ClusterFile read(Path file) throws IOException {
        return ClusterFileParser.read(file);
    }

    /** The node with this id, if the file lists it. */
    public Optional<DescribedNode> node(int id) {
        return nodes.stream().filter(node -> node.id() == id).findFirst();
    }
}
