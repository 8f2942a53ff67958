package io.kvbench.chaos.campaign;

import io.kvbench.chaos.cluster.Cluster;
import io.kvbench.chaos.cluster.LeaderInfo;
import io.kvbench.chaos.cluster.PeerLink;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/** Injects one fault into a cluster and heals it. */
public interface Nemesis {
    FaultKind kind();

    /** The node to hit, given the current leader. */
    int chooseVictim(Cluster cluster, LeaderInfo leader, Random random);

    /** Injects the fault; {@code leader} is the one the victim was chosen by (a link fault cuts the link between them). */
    void inject(Cluster cluster, LeaderInfo leader, int victim) throws IOException;

    /** Heals what {@link #inject} did, with the same leader and victim. */
    void heal(Cluster cluster, LeaderInfo leader, int victim) throws IOException;

    /**
     * Whether the fault is in effect as soon as {@link #inject} is called. Signals the harness sends itself are
     * (the call may then wait, e.g. for the killed process to exit); a cut is applied during the call (tc, the
     * proxies), and until it lands the old leader still commits; a described cluster's command lands somewhere
     * before it returns.
     */
    default boolean landsWhenCalled(Cluster cluster) {
        return cluster.faultsLandWhenCalled();
    }

    /**
     * Whether the fault removes the leader (an election is expected, and timed). When not, the campaign records
     * the leader as it is at the end of the downtime, and an election the fault caused anyway from the event logs.
     */
    default boolean expectsElection() {
        return true;
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
            case PARTITION_LINK:
                return new PartitionLink();
            case PARTITION_LEADER_INBOUND:
                return new PartitionLeaderInbound();
            default:
                throw new IllegalArgumentException(kind.toString());
        }
    }

    /** kill -9 the leader; restart on its data directory. */
    final class KillLeader implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.KILL_LEADER; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return leader.nodeId(); }
        @Override public void inject(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.kill(victim); }
        @Override public void heal(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.restart(victim); }
    }

    /** SIGSTOP the leader; SIGCONT: it must step down on seeing the higher term. */
    final class PauseLeader implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.PAUSE_LEADER; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return leader.nodeId(); }
        @Override public void inject(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.pause(victim); }
        @Override public void heal(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.resume(victim); }
    }

    /** SIGTERM the leader (it transfers leadership first); restart it. */
    final class TerminateLeader implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.TERMINATE_LEADER; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return leader.nodeId(); }
        @Override public void inject(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.terminate(victim, Duration.ofSeconds(10)); }
        @Override public void heal(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.restart(victim); }
    }

    /** A follower chosen uniformly with the trial's seeded random. */
    static int randomFollower(Cluster cluster, LeaderInfo leader, Random random) {
        List<Integer> followers = cluster.nodeIds().stream().filter(id -> id != leader.nodeId()).toList();
        return followers.get(random.nextInt(followers.size()));
    }

    /** kill -9 a random follower; restart it. */
    final class KillFollower implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.KILL_FOLLOWER; }
        @Override public boolean expectsElection() { return false; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return randomFollower(cluster, leader, random); }

        @Override public void inject(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.kill(victim); }
        @Override public void heal(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.restart(victim); }
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
        @Override public void inject(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.isolate(victim); }
        @Override public void heal(Cluster cluster, LeaderInfo leader, int victim) throws IOException { cluster.rejoin(victim); }
    }

    /**
     * Cut the link between the leader and one random follower (the victim), both ways, silently; heal after the
     * downtime. The leader keeps a majority through the other follower(s), so no election is expected: the victim
     * hears nothing, times out and pre-votes (dissertation §9.6), but the other followers, still hearing the
     * leader, are in lease and ignore it (§4.2.3), and the leader never hears it. With pre-vote the victim's term
     * never rises, so on the heal it follows the same leader again. Only a follower that misses the leader's
     * heartbeats for a whole minimum election timeout (a stall) lets the pre-vote through; the campaign records
     * whether the leader changed.
     */
    final class PartitionLink implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.PARTITION_LINK; }
        @Override public boolean expectsElection() { return false; }
        @Override public boolean landsWhenCalled(Cluster cluster) { return false; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return randomFollower(cluster, leader, random); }

        @Override
        public void inject(Cluster cluster, LeaderInfo leader, int victim) throws IOException {
            cluster.cutLinks(PeerLink.bothWays(leader.nodeId(), victim));
        }

        @Override
        public void heal(Cluster cluster, LeaderInfo leader, int victim) throws IOException {
            cluster.healLinks(PeerLink.bothWays(leader.nodeId(), victim));
        }
    }

    /**
     * One-way: drop everything the leader's peers send it, while its own messages still go out. Its heartbeats
     * keep arriving, so the followers stay in lease and would never elect anyone, but it hears no acknowledgement:
     * check-quorum (dissertation §6.2) makes it step down to follower, in its own term, within one to two minimum
     * election timeouts of the cut. Its heartbeats stop with that, the followers time out, pre-vote and elect one of
     * themselves at a higher term, which the old leader learns only at the heal. An election is expected, timed
     * from the cut; its length is check-quorum's delay plus an election timeout.
     */
    final class PartitionLeaderInbound implements Nemesis {
        @Override public FaultKind kind() { return FaultKind.PARTITION_LEADER_INBOUND; }
        @Override public boolean landsWhenCalled(Cluster cluster) { return false; }
        @Override public int chooseVictim(Cluster cluster, LeaderInfo leader, Random random) { return leader.nodeId(); }

        @Override
        public void inject(Cluster cluster, LeaderInfo leader, int victim) throws IOException {
            cluster.cutLinks(PeerLink.into(victim, cluster.nodeIds()));
        }

        @Override
        public void heal(Cluster cluster, LeaderInfo leader, int victim) throws IOException {
            cluster.healLinks(PeerLink.into(victim, cluster.nodeIds()));
        }
    }
}
