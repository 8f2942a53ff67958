package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.cluster.LeaderInfo;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/** Injects one fault into a cluster and heals it. */
public interface Nemesis {
    FaultKind kind();

    /** The node to hit, given the current leader. */
    int chooseVictim(Cluster cluster, LeaderInfo leader, Random random);

    void inject(Cluster cluster, int victim) throws IOException;

    void heal(Cluster cluster, int victim) throws IOException;

    /**
     * Whether the fault is in effect as soon as {@link #inject} is called. Signals the harness sends itself are
     * (the call may then wait, e.g. for the killed process to exit); a cut is applied during the call (tc, the
     * proxies), and until it lands the old leader still commits; a described cluster's command lands somewhere
     * before it returns.
     */
    default boolean landsWhenCalled(Cluster cluster) {
        return cluster.faultsLandWhenCalled();
    }

    /** Whether the fault removes the leader (an election is expected). */
    default boolean expectsElection() {
        return kind() != FaultKind.KILL_FOLLOWER;
    }

    static Nemesis of(FaultKind kind) {
        switch (kind) {
            case KILL_LEADER:
                return new KillLeader();
            case PAUSE_LEADER:
                return new PauseLeader();
            case TERMINATE_LEADER:
                return new TerminateLeader();
            case KILL_FOLLOWER:
                return new KillFollower();
            case PARTITION_LEADER:
                return new PartitionLeader();
            default:
                throw new IllegalArgumentException(kind.toString());
        }
    }

    /** kill -9 the leader; restart on its data directory. */
    final class KillLeader implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.KILL_LEADER; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return leader.nodeId(); }
        @Override public void inject(Cluster cluster, int victim) throws IOException { cluster.kill(victim); }
        @Override public void heal(Cluster cluster, int victim) throws IOException { cluster.restart(victim); }
    }

    /** SIGSTOP the leader; SIGCONT: it must step down on seeing the higher term. */
    final class PauseLeader implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.PAUSE_LEADER; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return leader.nodeId(); }
        @Override public void inject(Cluster cluster, int victim) throws IOException { cluster.pause(victim); }
        @Override public void heal(Cluster cluster, int victim) throws IOException { cluster.resume(victim); }
    }

    /** SIGTERM the leader (it transfers leadership first); restart it. */
    final class TerminateLeader implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.TERMINATE_LEADER; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return leader.nodeId(); }
        @Override public void inject(Cluster cluster, int victim) throws IOException { cluster.terminate(victim, Duration.ofSeconds(10)); }
        @Override public void heal(Cluster cluster, int victim) throws IOException { cluster.restart(victim); }
    }

    /** kill -9 a random follower; restart it. */
    final class KillFollower implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.KILL_FOLLOWER; }

        @Override
        public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) {
            List<Integer> followers = cluster.nodeIds().stream().filter(id -> id != leader.nodeId()).toList();
            return followers.get(random.nextInt(followers.size()));
        }

        @Override public void inject(Cluster cluster, int victim) throws IOException { cluster.kill(victim); }
        @Override public void heal(Cluster cluster, int victim) throws IOException { cluster.restart(victim); }
    }

    /**
     * Cut every peer link to and from the leader, silently (it keeps running, sees no error, and steps down by
     * check-quorum); heal after the downtime, when it rejoins as a follower. Needs a cluster that can cut links
     * ({@link Cluster#isolate}): a local kvnode cluster on network proxy or netns.
     */
    final class PartitionLeader implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.PARTITION_LEADER; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return leader.nodeId(); }
        @Override public boolean landsWhenCalled(Cluster cluster) { return false; }
        @Override public void inject(Cluster cluster, int victim) throws IOException { cluster.isolate(victim); }
        @Override public void heal(Cluster cluster, int victim) throws IOException { cluster.rejoin(victim); }
    }
}
