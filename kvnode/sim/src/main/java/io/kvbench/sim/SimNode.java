package io.kvbench.sim;

import io.kvbench.driver.DeadlineTicks;
import io.kvbench.driver.DriverConfig;
import io.kvbench.driver.DriverObserver;
import io.kvbench.driver.ReplicaDriver;
import io.kvbench.driver.TimeSource;
import io.kvbench.driver.Transport;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.KvStateMachine;
import io.kvbench.raft.Entry;
import io.kvbench.raft.EntryType;
import io.kvbench.raft.Mutation;
import io.kvbench.raft.RaftConfig;
import io.kvbench.raft.HardState;
import io.kvbench.raft.RaftCore;
import io.kvbench.wal.HardStateDamagedException;

import java.nio.file.Path;
import java.util.Random;

/**
 * One simulated replica: the production {@link ReplicaDriver} (core, state machine, pending requests) bound to this
 * node's {@link SimDisk} and the simulation's network and clock. A crash throws the driver away with everything it
 * held; a restart builds a new one from what the disk recovers, as the node does from its WAL. With storage faults
 * a node may lose its storage: it then stays down until it is rebuilt as {@code kvbench node-rebuild} does.
 */
final class SimNode {
    static final int MAX_SESSIONS = 64;
    static final long SESSION_TIMEOUT_MILLIS = 3_600_000;
    static final int MAX_PENDING_REPLIES = 64;

    final int id;
    final RaftConfig config;
    final DriverConfig driverConfig;
    final long coreSeed;
    final Mutation mutation;
    final SimDisk disk;
    boolean up = true;
    /** Its storage is gone (lost, or refused at a restart): it must be rebuilt before it starts again. */
    boolean storageLost;
    /** It was rebuilt at least once: only such a node may report a log shorter than it acknowledged. */
    boolean everRebuilt;
    /** Bumped on every crash; events scheduled for an older incarnation are dropped. */
    int incarnation;
    private ReplicaDriver driver;
    long recordedCommitIndex;
    /**
     * With {@link SimOptions#tickAtNextDeadline()}: this incarnation's ticks (null until its first tick event), and when
     * its one live timer fires (a tick event at another time is a timer replaced by a sooner one).
     */
    DeadlineTicks deadlineTicks;
    int deadlineTicksIncarnation = -1;
    long timerDue = Long.MIN_VALUE;

    SimNode(int id, RaftConfig config, DriverConfig driverConfig, long coreSeed, Mutation mutation,
            SimDisk.SnapshotListener snapshots) {
        this.id = id;
        this.config = config;
        this.driverConfig = driverConfig;
        this.coreSeed = coreSeed;
        this.mutation = mutation;
        this.disk = new SimDisk(Path.of("node" + id, "hardstate"), snapshots);
    }

    /**
     * Starts (or restarts) the node from what its disk holds.
     *
     * @throws HardStateDamagedException when the WAL would refuse to open: the node stays down (it must be rebuilt)
     */
    void start(Transport transport, TimeSource time, DriverObserver observer, SimDisk.Scheduler scheduler)
            throws HardStateDamagedException {
        disk.bind(scheduler);
        SimDisk.Recovered recovered = disk.recover();
        up = true;
        RaftCore core = new RaftCore(config, new Random(coreSeed * 7919 + incarnation), recovered.hardState(),
                recovered.snapshot(), recovered.entries(), recovered.voteFenceIndex());
        core.breakRuleForTesting(mutation);
        KvStateMachine stateMachine = recovered.snapshot().isEmpty()
                ? KvStateMachine.withWriteAudit(MAX_SESSIONS, SESSION_TIMEOUT_MILLIS, MAX_PENDING_REPLIES)
                : KvStateMachine.restore(SimDisk.stateOf(recovered.snapshotFile()));
        driver = new ReplicaDriver(driverConfig, core, stateMachine, disk, transport, time, observer);
        driver.breakRuleForTesting(mutation);
        recordedCommitIndex = recovered.snapshot().lastIndex();
    }

    /** Crash: everything volatile is lost, and of the disk what {@link SimDisk#crash} says. */
    void crash(Random random) {
        up = false;
        incarnation++;
        disk.crash(random);
        driver = null;
    }

    /**
     * Its storage is rebuilt as {@code kvbench node-rebuild} does (docs/storage-recovery.md): an empty log, the others'
     * highest term with a vote for itself, and a vote fence at their highest last index.
     */
    void rebuild(long othersHighestTerm, long othersHighestLastIndex) {
        storageLost = false;
        everRebuilt = true;
        disk.rebuild(new HardState(othersHighestTerm, id), othersHighestLastIndex);
    }

    /** A rebuilt node whose log has not reached its fence yet: it takes no part in elections. */
    boolean belowVoteFence() {
        return (up ? core().lastIndex() : disk.lastIndex()) < disk.voteFenceIndex();
    }

    ReplicaDriver driver() {
        return driver;
    }

    RaftCore core() {
        return driver.core();
    }

    KvStateMachine stateMachine() {
        return driver.stateMachine();
    }

    static boolean isCommand(Entry entry) {
        return entry.type() == EntryType.COMMAND;
    }

    static io.kvbench.kv.ProposedCommand decode(Entry entry) {
        return KvCommandCodec.decode(entry.data());
    }
}
