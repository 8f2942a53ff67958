package io.kvbench.chaos.cluster.described;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a {@link ClusterFile}, its commands rendered (placeholders replaced).
 *
 * @param id       the node's id: for kvnode its Raft id, as the node itself reports it; for etcd the file's own
 *                 name for the member (etcd's member ids are hashes)
 * @param host     where its process runs (defaults to the client address's host)
 * @param client   its client address: status, leader discovery and the workload go here
 * @param peer     its peer address
 * @param dataDir  its data directory on its host, or null if the file does not say
 * @param eventLog its role-change event log, readable from this machine, or null (then elections are timed by polling)
 * @param commands by action; every required action is present
 */
public record DescribedNode(int id, String host, HostPort client, HostPort peer, String dataDir, Path eventLog,
                            Map<NodeAction, String> commands) {

    public DescribedNode {
        commands = Map.copyOf(commands);
    }

    /** The client address as an http URL: etcd's client URL, where its JSON gateway answers. */
    public URI clientUrl() {
        return URI.create("http://" + client);
    }

    /** The rendered command for the action, empty if the file gives none (only optional actions can be missing). */
    public Optional<String> command(NodeAction action) {
        return Optional.ofNullable(commands.get(action));
    }
}
