package io.kvbench.chaos.cluster.described;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a {@link ClusterFile}, its commands rendered (placeholders replaced).
 *
 * @param id       the node's Raft id, as the node itself reports it
 * @param host     where its process runs (defaults to the client address's host)
 * @param client   its client address: status, leader discovery and the workload go here
 * @param peer     its peer address (kvnode), or null
 * @param dataDir  its data directory on its host, or null if the file does not say
 * @param eventLog its role-change event log, readable from this machine, or null (then elections are timed by polling)
 * @param commands by action; every required action is present
 */
public record DescribedNode(int id, String host, HostPort client, HostPort peer, String dataDir, Path eventLog,
                            Map<NodeAction, String> commands) {

    public DescribedNode {
        commands = Map.copyOf(commands);
    }

    /** The rendered command for the action, empty if the file gives none (only optional actions can be missing). */
    public Optional<String> command(NodeAction action) {
        return Optional.ofNullable(commands.get(action));
    }
}
